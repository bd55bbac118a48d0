package dev.cardos.funding.internal;

import dev.cardos.shared.Amounts;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.tenancy.OperatorOnly;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/admin/fx-rates}: the operator sets the rates conversions use. */
@RestController
@RequestMapping("/v1/admin/fx-rates")
@OperatorOnly
@Tag(name = "operator")
class FxRateController {

  private static final BigDecimal RATE_MAX = new BigDecimal("1000000000");

  private final FxRates rates;

  FxRateController(FxRates rates) {
    this.rates = rates;
  }

  /** {@code rate} is a decimal string: units of {@code quote} per unit of {@code base}. */
  record SetRate(@NotNull String base, @NotNull String quote, @NotNull String rate) {}

  record RateView(String id, String base, String quote, String rate, Instant createdAt) {
    static RateView of(FxRates.FxRate r) {
      return new RateView(r.id(), r.base(), r.quote(), r.rate().toPlainString(), r.createdAt());
    }
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Set the exchange rate for a currency pair; it applies from now on")
  @Transactional
  RateView set(@Valid @RequestBody SetRate request) {
    Currencies.require(request.base(), "base");
    Currencies.require(request.quote(), "quote");
    if (request.base().equals(request.quote())) {
      throw Problem.invalidField("quote", "must differ from base");
    }
    BigDecimal rate = Amounts.decimal(request.rate(), "rate", 12, RATE_MAX);
    if (rate.signum() == 0) {
      throw Problem.invalidField("rate", "must be greater than zero");
    }
    return RateView.of(rates.insert(request.base(), request.quote(), rate));
  }

  @GetMapping
  @Operation(summary = "List exchange rates, newest first")
  Page<RateView> list(
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return rates.list(PageRequest.of(limit, startingAfter, "fx_")).map(RateView::of);
  }
}
