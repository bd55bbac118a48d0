package dev.cardos.authorization.internal;

import dev.cardos.authorization.Adjustment;
import dev.cardos.authorization.DecisionCore;
import dev.cardos.authorization.Transaction;
import dev.cardos.cards.Card;
import dev.cardos.cards.Cards;
import dev.cardos.shared.Amounts;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Test-mode twins of the network's follow-up messages (increment, reverse, clear, force post,
 * refund) and {@code /v1/transactions}.
 */
@RestController
@Tag(name = "authorizations")
class LifecycleController {

  private final AuthorizationLifecycle lifecycle;
  private final JdbcAuthorizations authorizations;
  private final Cards cards;
  private final Ids ids;

  LifecycleController(
      AuthorizationLifecycle lifecycle, JdbcAuthorizations authorizations, Cards cards, Ids ids) {
    this.lifecycle = lifecycle;
    this.authorizations = authorizations;
    this.cards = cards;
    this.ids = ids;
  }

  record Amount(Long amount, @Size(max = 64) String networkTransactionId) {}

  record Clearing(
      Long amount, Boolean finalClearing, @Size(max = 64) String networkTransactionId) {}

  @PostMapping("/v1/simulate/authorizations/{id}/increment")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Test mode: an incremental authorization (amount in the merchant currency)")
  Adjustment increment(Realm realm, @PathVariable String id, @Valid @RequestBody Amount body) {
    test(realm);
    long amount = Amounts.requirePositive(body.amount(), "amount");
    String ntid = ntid(body.networkTransactionId());
    try {
      return lifecycle.increment(realm, id, ntid, amount);
    } catch (AuthorizationLifecycle.Declined declined) {
      return lifecycle.declinedIncrement(realm, id, ntid, amount, declined.reason);
    }
  }

  @PostMapping("/v1/simulate/authorizations/{id}/reverse")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Test mode: reverse all (no amount) or part of an authorization")
  Adjustment reverse(
      Realm realm, @PathVariable String id, @Valid @RequestBody(required = false) Amount body) {
    test(realm);
    Long amount =
        body == null || body.amount() == null
            ? null
            : Amounts.requirePositive(body.amount(), "amount");
    return lifecycle.reverse(
        realm, id, ntid(body == null ? null : body.networkTransactionId()), amount);
  }

  @PostMapping("/v1/simulate/authorizations/{id}/clear")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(
      summary =
          "Test mode: clear an authorization (default: its whole amount, final); partial, multiple"
              + " and over-clearing are allowed")
  Transaction clear(
      Realm realm, @PathVariable String id, @Valid @RequestBody(required = false) Clearing body) {
    test(realm);
    Long amount =
        body == null || body.amount() == null
            ? null
            : Amounts.requirePositive(body.amount(), "amount");
    boolean finalClearing = body == null || body.finalClearing() == null || body.finalClearing();
    return lifecycle.clear(
        realm,
        id,
        ntid(body == null ? null : body.networkTransactionId()),
        amount,
        null,
        finalClearing);
  }

  record CardMovement(
      @NotNull String cardId,
      @NotNull Long amount,
      @NotNull String currency,
      @Valid AuthorizationController.MerchantInput merchant,
      @Size(max = 64) String authorizationId,
      @Size(max = 64) String networkTransactionId) {}

  @PostMapping("/v1/simulate/refunds")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Test mode: a merchant refunds money to a card")
  Transaction refund(Realm realm, @Valid @RequestBody CardMovement body) {
    test(realm);
    Card card = card(realm, body.cardId());
    // A refund that names its authorization must name one of this realm's: an unknown id is a
    // mistake to report, not a reason to book the refund unlinked.
    if (body.authorizationId() != null
        && authorizations.lock(realm, body.authorizationId()).isEmpty()) {
      throw Problem.notFound("authorization", body.authorizationId());
    }
    return lifecycle.refund(
        realm,
        realm,
        card,
        ntid(body.networkTransactionId()),
        Amounts.requirePositive(body.amount(), "amount"),
        Currencies.require(body.currency(), "currency"),
        merchant(body.merchant()),
        body.authorizationId());
  }

  @PostMapping("/v1/simulate/force-posts")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Test mode: a clearing that arrives with no authorization before it")
  Transaction forcePost(Realm realm, @Valid @RequestBody CardMovement body) {
    test(realm);
    if (body.authorizationId() != null) {
      throw Problem.invalidField(
          "authorization_id", "is not accepted: a force post has no authorization");
    }
    Card card = card(realm, body.cardId());
    return lifecycle.forcePost(
        realm,
        realm,
        card,
        ntid(body.networkTransactionId()),
        Amounts.requirePositive(body.amount(), "amount"),
        Currencies.require(body.currency(), "currency"),
        merchant(body.merchant()));
  }

  @GetMapping("/v1/transactions/{id}")
  @RequiresScope(Scope.TRANSACTIONS_READ)
  @Operation(summary = "Retrieve a transaction")
  Transaction transaction(Realm realm, @PathVariable String id) {
    return lifecycle
        .findTransaction(realm, id)
        .orElseThrow(() -> Problem.notFound("transaction", id));
  }

  @GetMapping("/v1/transactions")
  @RequiresScope(Scope.TRANSACTIONS_READ)
  @Operation(summary = "List transactions (settlements, refunds, force posts), newest first")
  Page<Transaction> transactions(
      Realm realm,
      @RequestParam(name = "card_id", required = false) String cardId,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return lifecycle.listTransactions(
        realm, cardId, kind, PageRequest.of(limit, startingAfter, "txn_"));
  }

  private Card card(Realm realm, String id) {
    return cards.find(realm, id).orElseThrow(() -> Problem.notFound("card", id));
  }

  private String ntid(String given) {
    return given == null ? ids.next("ntx_") : given;
  }

  static DecisionCore.Merchant merchant(AuthorizationController.MerchantInput m) {
    return m == null
        ? null
        : new DecisionCore.Merchant(m.id(), m.name(), m.mcc(), m.city(), m.country());
  }

  private static void test(Realm realm) {
    if (realm.live()) {
      throw new Problem(ProblemCode.LIVE_MODE_UNSUPPORTED, "Simulations need a test key");
    }
  }
}
