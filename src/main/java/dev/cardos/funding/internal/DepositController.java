package dev.cardos.funding.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Ledger;
import dev.cardos.shared.Amounts;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deposits: {@code POST /v1/simulate/deposits} makes money arrive in test mode (live deposits
 * arrive from the sponsor bank's feed, a later issue); {@code GET /v1/deposits/{id}} reads one.
 */
@RestController
@Tag(name = "funding")
class DepositController {

  enum Scheme {
    @JsonProperty("swift")
    SWIFT,
    @JsonProperty("sepa")
    SEPA
  }

  enum Asset {
    @JsonProperty("usdt")
    USDT,
    @JsonProperty("usdc")
    USDC
  }

  enum Chain {
    @JsonProperty("ethereum")
    ETHEREUM,
    @JsonProperty("solana")
    SOLANA
  }

  record SimulateDeposit(
      @NotNull String accountId,
      @NotNull Long amount,
      @NotNull String currency,
      @NotNull FeeRule.Rail rail,
      Scheme scheme,
      Asset asset,
      Chain chain,
      @Size(max = 100) String reference) {}

  private final Ledger ledger;
  private final Deposits deposits;

  DepositController(Ledger ledger, Deposits deposits) {
    this.ledger = ledger;
    this.deposits = deposits;
  }

  @PostMapping("/v1/simulate/deposits")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.FUNDS_WRITE)
  @Operation(summary = "Simulate money arriving in a funding account or wallet (test mode)")
  @Transactional
  Deposits.Deposit simulate(Realm realm, @Valid @RequestBody SimulateDeposit request) {
    if (realm.live()) {
      throw new Problem(
          ProblemCode.LIVE_MODE_UNSUPPORTED, "Deposits can be simulated with a test key only");
    }
    long amount = Amounts.requirePositive(request.amount(), "amount");
    Currencies.require(request.currency(), "currency");
    Deposits.Arrival arrival = arrival(request);
    Account account =
        ledger
            .find(realm, request.accountId())
            .filter(a -> a.kind() == AccountKind.FUNDING || a.kind() == AccountKind.WALLET)
            .orElseThrow(() -> Problem.notFound("funding account or wallet", request.accountId()));
    if (!account.currency().equals(request.currency())) {
      throw new Problem(
          ProblemCode.CURRENCY_MISMATCH,
          "The account is in " + account.currency() + ", the deposit in " + request.currency(),
          java.util.List.of(new Problem.FieldError("currency", "must be " + account.currency())));
    }
    return deposits.receive(realm, account, amount, arrival);
  }

  private static Deposits.Arrival arrival(SimulateDeposit request) {
    return switch (request.rail()) {
      case BANK_TRANSFER -> {
        if (request.scheme() == null) {
          throw Problem.invalidField("scheme", "is required for a bank transfer (swift or sepa)");
        }
        if (request.asset() != null || request.chain() != null) {
          throw Problem.invalidField(
              request.asset() != null ? "asset" : "chain", "applies to stablecoin deposits only");
        }
        if (request.scheme() == Scheme.SEPA && !"EUR".equals(request.currency())) {
          throw Problem.invalidField("currency", "must be EUR for a SEPA transfer");
        }
        yield new Deposits.Arrival(
            request.rail(),
            request.scheme().name().toLowerCase(java.util.Locale.ROOT),
            null,
            null,
            request.reference());
      }
      case STABLECOIN -> {
        if (request.asset() == null) {
          throw Problem.invalidField("asset", "is required for a stablecoin deposit (usdt, usdc)");
        }
        if (request.chain() == null) {
          throw Problem.invalidField("chain", "is required for a stablecoin deposit");
        }
        if (request.scheme() != null) {
          throw Problem.invalidField("scheme", "applies to bank transfers only");
        }
        if (!"USD".equals(request.currency())) {
          throw Problem.invalidField(
              "currency", "must be USD: stablecoins are credited 1:1 to USD");
        }
        yield new Deposits.Arrival(
            request.rail(),
            null,
            request.asset().name().toLowerCase(java.util.Locale.ROOT),
            request.chain().name().toLowerCase(java.util.Locale.ROOT),
            request.reference());
      }
    };
  }

  @GetMapping("/v1/deposits/{id}")
  @RequiresScope(Scope.FUNDS_READ)
  @Operation(summary = "Retrieve a deposit")
  Deposits.Deposit get(Realm realm, @PathVariable String id) {
    return deposits.find(realm, id).orElseThrow(() -> Problem.notFound("deposit", id));
  }
}
