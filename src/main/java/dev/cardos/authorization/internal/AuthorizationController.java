package dev.cardos.authorization.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cardos.authorization.Authorization;
import dev.cardos.authorization.DecisionCore;
import dev.cardos.cards.CardSecurity;
import dev.cardos.controls.Channel;
import dev.cardos.shared.Amounts;
import dev.cardos.shared.Countries;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.tenancy.Caller;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.HexFormat;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/simulate/authorizations} runs the whole network path for a test-mode card; {@code
 * GET /v1/authorizations} explains every decision.
 */
@RestController
@Tag(name = "authorizations")
class AuthorizationController {

  private final AuthorizationEngine engine;
  private final JdbcAuthorizations authorizations;
  private final Ids ids;

  AuthorizationController(AuthorizationEngine engine, JdbcAuthorizations authorizations, Ids ids) {
    this.engine = engine;
    this.authorizations = authorizations;
    this.ids = ids;
  }

  record MerchantInput(
      @NotBlank @Size(max = 50) String id,
      @NotBlank @Size(max = 100) String name,
      @NotNull @Pattern(regexp = "[0-9]{4}", message = "must be 4 digits") String mcc,
      @Size(max = 100) String city,
      @NotNull String country) {}

  enum ThreeDsInput {
    @JsonProperty("not_attempted")
    NOT_ATTEMPTED,
    @JsonProperty("authenticated")
    AUTHENTICATED,
    @JsonProperty("failed")
    FAILED
  }

  enum PinFormatInput {
    @JsonProperty("iso_0")
    ISO_0,
    @JsonProperty("iso_4")
    ISO_4
  }

  record PinInput(
      @NotNull PinFormatInput format,
      @NotNull
          @Pattern(
              regexp = "([0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})",
              message = "must be 16 or 32 hex digits")
          String block) {}

  record SimulateAuthorization(
      @NotNull String cardId,
      @NotNull Long amount,
      @NotNull String currency,
      @NotNull Channel channel,
      @NotNull @Valid MerchantInput merchant,
      @Size(max = 64) String networkTransactionId,
      @Pattern(regexp = "[0-9]{4}", message = "must be YYMM") String expiry,
      @Pattern(regexp = "[0-9]{3,4}", message = "must be 3 or 4 digits") String cvv2,
      @Valid PinInput pin,
      ThreeDsInput threeDs) {}

  @PostMapping("/v1/simulate/authorizations")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Test mode: run the full network authorization path for a card")
  Authorization simulate(
      Realm realm, Caller caller, @Valid @RequestBody SimulateAuthorization body) {
    long arrival = System.nanoTime();
    if (realm.live()) {
      throw new Problem(ProblemCode.LIVE_MODE_UNSUPPORTED, "Simulations need a test key");
    }
    long amount = Amounts.requirePositive(body.amount(), "amount");
    Currencies.require(body.currency(), "currency");
    Countries.require(body.merchant().country(), "merchant.country");
    return engine.authorize(
        new AuthorizationEngine.Request(
            body.networkTransactionId() == null ? ids.next("ntx_") : body.networkTransactionId(),
            null,
            realm,
            body.cardId(),
            amount,
            body.currency(),
            new DecisionCore.Merchant(
                body.merchant().id(),
                body.merchant().name(),
                body.merchant().mcc(),
                body.merchant().city(),
                body.merchant().country()),
            body.channel(),
            body.expiry(),
            body.cvv2(),
            body.pin() == null
                ? null
                : CardSecurity.PinBlockFormat.valueOf(body.pin().format().name()),
            body.pin() == null ? null : HexFormat.of().parseHex(body.pin().block()),
            body.threeDs() == null ? null : DecisionCore.ThreeDs.valueOf(body.threeDs().name()),
            caller.keyId()),
        arrival);
  }

  @GetMapping("/v1/authorizations/{id}")
  @RequiresScope(Scope.TRANSACTIONS_READ)
  @Operation(summary = "Retrieve an authorization with its decision and explanation")
  Authorization get(Realm realm, @PathVariable String id) {
    return authorizations.find(realm, id).orElseThrow(() -> Problem.notFound("authorization", id));
  }

  @GetMapping("/v1/authorizations")
  @RequiresScope(Scope.TRANSACTIONS_READ)
  @Operation(summary = "List authorizations, newest first")
  Page<Authorization> list(
      Realm realm,
      @RequestParam(name = "card_id", required = false) String cardId,
      @RequestParam(name = "cardholder_id", required = false) String cardholderId,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) Boolean approved,
      @RequestParam(name = "decline_reason", required = false) String declineReason,
      @RequestParam(name = "created_after", required = false)
          @org.springframework.format.annotation.DateTimeFormat(
              iso = org.springframework.format.annotation.DateTimeFormat.ISO.DATE_TIME)
          java.time.Instant createdAfter,
      @RequestParam(name = "created_before", required = false)
          @org.springframework.format.annotation.DateTimeFormat(
              iso = org.springframework.format.annotation.DateTimeFormat.ISO.DATE_TIME)
          java.time.Instant createdBefore,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return authorizations.list(
        realm,
        new JdbcAuthorizations.Filter(
            cardId, cardholderId, status, approved, declineReason, createdAfter, createdBefore),
        PageRequest.of(limit, startingAfter, "auth_"));
  }
}
