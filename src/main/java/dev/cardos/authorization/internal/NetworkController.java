package dev.cardos.authorization.internal;

import dev.cardos.authorization.Adjustment;
import dev.cardos.authorization.Authorization;
import dev.cardos.authorization.DecisionCore;
import dev.cardos.authorization.Transaction;
import dev.cardos.cards.CardSecurity;
import dev.cardos.cards.Cards;
import dev.cardos.cards.Pan;
import dev.cardos.controls.Channel;
import dev.cardos.shared.Amounts;
import dev.cardos.shared.Countries;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Problem;
import dev.cardos.tenancy.Caller;
import dev.cardos.tenancy.NetworkOnly;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.HexFormat;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The card network's JSON rendition of ISO 8583: authorization requests (0100), reversals (0400),
 * clearings and refunds. Cards are named by PAN; every message carries its own network transaction
 * id, and a repeat gets the first answer. Only the network key may call these.
 */
@RestController
@NetworkOnly
@Tag(name = "network")
class NetworkController {

  private final AuthorizationEngine engine;
  private final AuthorizationLifecycle lifecycle;
  private final Cards cards;

  NetworkController(AuthorizationEngine engine, AuthorizationLifecycle lifecycle, Cards cards) {
    this.engine = engine;
    this.lifecycle = lifecycle;
    this.cards = cards;
  }

  record NetworkAuthorization(
      @NotBlank @Size(max = 64) String networkTransactionId,
      @NotNull @Pattern(regexp = "[0-9]{12,19}", message = "must be 12 to 19 digits") String pan,
      @Pattern(regexp = "[0-9]{4}", message = "must be YYMM") String expiry,
      @Pattern(regexp = "[0-9]{3,4}", message = "must be 3 or 4 digits") String cvv2,
      @Valid AuthorizationController.PinInput pin,
      AuthorizationController.ThreeDsInput threeDs,
      @NotNull Long amount,
      @NotNull String currency,
      @NotNull Channel channel,
      @NotNull @Valid AuthorizationController.MerchantInput merchant) {

    @Override
    public String toString() {
      return "NetworkAuthorization[" + networkTransactionId + "]";
    }
  }

  @PostMapping("/v1/network/authorizations")
  @ResponseStatus(HttpStatus.OK)
  @Operation(summary = "An authorization request (ISO 8583 0100): approve or decline with DE39")
  Authorization authorize(Caller caller, @Valid @RequestBody NetworkAuthorization body) {
    long arrival = System.nanoTime();
    long amount = Amounts.requirePositive(body.amount(), "amount");
    Currencies.require(body.currency(), "currency");
    Countries.require(body.merchant().country(), "merchant.country");
    return engine.authorize(
        new AuthorizationEngine.Request(
            body.networkTransactionId(),
            new Pan(body.pan()),
            null,
            null,
            amount,
            body.currency(),
            LifecycleController.merchant(body.merchant()),
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

  record FollowUp(
      @NotBlank @Size(max = 64) String networkTransactionId,
      @NotBlank @Size(max = 64) String originalNetworkTransactionId,
      Long amount,
      Boolean finalClearing) {}

  @PostMapping("/v1/network/increments")
  @Operation(summary = "An incremental authorization of an approved one")
  Adjustment increment(@Valid @RequestBody FollowUp body) {
    long amount = Amounts.requirePositive(body.amount(), "amount");
    try {
      return lifecycle.increment(
          null, body.originalNetworkTransactionId(), body.networkTransactionId(), amount);
    } catch (AuthorizationLifecycle.Declined declined) {
      return lifecycle.declinedIncrement(
          null,
          body.originalNetworkTransactionId(),
          body.networkTransactionId(),
          amount,
          declined.reason);
    }
  }

  @PostMapping("/v1/network/reversals")
  @Operation(summary = "A full (no amount) or partial reversal (ISO 8583 0400)")
  Adjustment reverse(@Valid @RequestBody FollowUp body) {
    Long amount = body.amount() == null ? null : Amounts.requirePositive(body.amount(), "amount");
    return lifecycle.reverse(
        null, body.originalNetworkTransactionId(), body.networkTransactionId(), amount);
  }

  record NetworkClearing(
      @NotBlank @Size(max = 64) String networkTransactionId,
      @Size(max = 64) String originalNetworkTransactionId,
      @Pattern(regexp = "[0-9]{12,19}", message = "must be 12 to 19 digits") String pan,
      @NotNull Long amount,
      @NotNull String currency,
      Boolean finalClearing,
      @Valid AuthorizationController.MerchantInput merchant) {

    @Override
    public String toString() {
      return "NetworkClearing[" + networkTransactionId + "]";
    }
  }

  @PostMapping("/v1/network/clearings")
  @Operation(
      summary =
          "A clearing of an authorization, or a force post when no original is named (the card is"
              + " then named by PAN)")
  Transaction clear(@Valid @RequestBody NetworkClearing body) {
    long amount = Amounts.requirePositive(body.amount(), "amount");
    Currencies.require(body.currency(), "currency");
    if (body.originalNetworkTransactionId() != null) {
      return lifecycle.clear(
          null,
          body.originalNetworkTransactionId(),
          body.networkTransactionId(),
          amount,
          body.currency(),
          body.finalClearing() == null || body.finalClearing());
    }
    if (body.pan() == null) {
      throw Problem.invalidField(
          "pan", "is required for a clearing without an original authorization");
    }
    Cards.CardWithRealm card =
        cards.findByPan(new Pan(body.pan())).orElseThrow(() -> Problem.notFound("card", "****"));
    return lifecycle.forcePost(
        null,
        card.realm(),
        card.card(),
        body.networkTransactionId(),
        amount,
        body.currency(),
        LifecycleController.merchant(body.merchant()));
  }

  record NetworkRefund(
      @NotBlank @Size(max = 64) String networkTransactionId,
      @Size(max = 64) String originalNetworkTransactionId,
      @NotNull @Pattern(regexp = "[0-9]{12,19}", message = "must be 12 to 19 digits") String pan,
      @NotNull Long amount,
      @NotNull String currency,
      @Valid AuthorizationController.MerchantInput merchant) {

    @Override
    public String toString() {
      return "NetworkRefund[" + networkTransactionId + "]";
    }
  }

  @PostMapping("/v1/network/refunds")
  @Operation(summary = "A merchant's refund to a card")
  Transaction refund(@Valid @RequestBody NetworkRefund body) {
    long amount = Amounts.requirePositive(body.amount(), "amount");
    Currencies.require(body.currency(), "currency");
    Cards.CardWithRealm card =
        cards.findByPan(new Pan(body.pan())).orElseThrow(() -> Problem.notFound("card", "****"));
    return lifecycle.refund(
        null,
        card.realm(),
        card.card(),
        body.networkTransactionId(),
        amount,
        body.currency(),
        LifecycleController.merchant(body.merchant()),
        body.originalNetworkTransactionId());
  }
}
