package dev.cardos.authorization.internal;

import dev.cardos.authorization.Adjustment;
import dev.cardos.authorization.Authorization;
import dev.cardos.authorization.DecisionCore;
import dev.cardos.authorization.DeclineReason;
import dev.cardos.authorization.Transaction;
import dev.cardos.cards.Card;
import dev.cardos.cards.CardTermination;
import dev.cardos.cards.Cards;
import dev.cardos.controls.Controls;
import dev.cardos.controls.Window;
import dev.cardos.events.EventType;
import dev.cardos.events.Outbox;
import dev.cardos.funding.ExchangeRates;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Hold;
import dev.cardos.ledger.HoldResult;
import dev.cardos.ledger.Ledger;
import dev.cardos.ledger.Leg;
import dev.cardos.ledger.PostingRequest;
import dev.cardos.ledger.PostingResult;
import dev.cardos.programs.Program;
import dev.cardos.programs.Programs;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What happens after approval (SPEC §5): incremental authorizations, full and partial reversals,
 * clearings (full, partial, multiple, over-clearing), force posts, refunds and hold expiry. Each
 * network message is applied once: its id is unique, and a repeat returns the first answer.
 */
@Service
@Transactional
class AuthorizationLifecycle implements dev.cardos.authorization.Transactions {

  /** Clearing more than this share above the authorized amount is flagged for review. */
  static final BigDecimal OVER_CLEARING_TOLERANCE = new BigDecimal("0.10");

  private final JdbcAuthorizations authorizations;
  private final AuthorizationEngine engine;
  private final Cards cards;
  private final CardTermination termination;
  private final Programs programs;
  private final Ledger ledger;
  private final Controls controls;
  private final ExchangeRates rates;
  private final Outbox outbox;
  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;

  AuthorizationLifecycle(
      JdbcAuthorizations authorizations,
      AuthorizationEngine engine,
      Cards cards,
      CardTermination termination,
      Programs programs,
      Ledger ledger,
      Controls controls,
      ExchangeRates rates,
      Outbox outbox,
      JdbcClient jdbc,
      Ids ids,
      Clock clock) {
    this.authorizations = authorizations;
    this.engine = engine;
    this.cards = cards;
    this.termination = termination;
    this.programs = programs;
    this.ledger = ledger;
    this.controls = controls;
    this.rates = rates;
    this.outbox = outbox;
    this.jdbc = jdbc;
    this.ids = ids;
    this.clock = clock;
  }

  // ------------------------------------------------------------------ adjustments

  /**
   * Runs in a nested transaction (a savepoint inside a request's transaction): a decline throws
   * {@link Declined}, which undoes whatever limits it consumed, and the caller then stores the
   * declined answer with {@link #declinedIncrement}.
   */
  @Transactional(propagation = org.springframework.transaction.annotation.Propagation.NESTED)
  Adjustment increment(Realm realm, String authorizationKey, String networkId, long amount) {
    String idScope = JdbcAuthorizations.idScope(realm);
    claimNetworkId(idScope, networkId);
    Optional<Adjustment> earlier = adjustment(idScope, networkId);
    if (earlier.isPresent()) {
      return ownRepeat(realm, authorizationKey, earlier.get());
    }
    Authorization auth = lockPending(realm, authorizationKey);
    Realm owner = realmOf(auth);
    long cardAmount = toCardAmount(auth, amount);
    if (!"pending".equals(auth.status())) {
      return storeAdjustment(
          auth,
          idScope,
          networkId,
          "increment",
          false,
          "12",
          amount,
          cardAmount,
          "The authorization is " + auth.status() + ": it cannot be incremented");
    }
    Card card = cards.find(owner, auth.cardId()).orElseThrow();
    Program program = programs.find(owner.tenantId(), card.programId()).orElseThrow();
    for (AuthorizationEngine.Scope scope :
        engine.scopesFor(owner, card, program, auth.createdAt())) {
      // More of a transaction already counted: its amount, not another transaction.
      Optional<Controls.Exceeded> over =
          controls.consumeAmount(scope.subjectId(), scope.charges(cardAmount));
      if (over.isPresent()) {
        throw new Declined(engine.reasonFor(scope, over.get()));
      }
    }
    HoldResult hold =
        ledger.increaseHold(owner, auth.holdId(), holdOperationId(idScope, networkId), cardAmount);
    if (!(hold instanceof HoldResult.Done)) {
      throw new Declined(DeclineReason.INSUFFICIENT_FUNDS);
    }
    authorizations.adjust(auth.id(), cardAmount, 0, 0, null);
    Adjustment adjustment =
        storeAdjustment(
            auth, idScope, networkId, "increment", true, "00", amount, cardAmount, "Approved");
    outbox.append(owner, EventType.AUTHORIZATION_INCREMENTED, auth.id(), adjustment);
    return adjustment;
  }

  /** A decline of an increment: the transaction rolls back and the caller stores the answer. */
  static final class Declined extends RuntimeException {
    final DeclineReason reason;

    Declined(DeclineReason reason) {
      super(reason.wire(), null, false, false);
      this.reason = reason;
    }
  }

  Adjustment declinedIncrement(
      Realm realm, String authorizationKey, String networkId, long amount, DeclineReason reason) {
    String idScope = JdbcAuthorizations.idScope(realm);
    claimNetworkId(idScope, networkId);
    Optional<Adjustment> earlier = adjustment(idScope, networkId);
    if (earlier.isPresent()) {
      return ownRepeat(realm, authorizationKey, earlier.get());
    }
    Authorization auth = lockPending(realm, authorizationKey);
    return storeAdjustment(
        auth,
        idScope,
        networkId,
        "increment",
        false,
        reason.responseCode(),
        amount,
        toCardAmount(auth, amount),
        reason.meaning());
  }

  /** Releases {@code amount} (merchant currency) of what is held, or all of it when null. */
  Adjustment reverse(Realm realm, String authorizationKey, String networkId, Long amount) {
    return reverse(
        realm,
        authorizationKey,
        networkId,
        amount == null ? null : auth -> amount,
        auth ->
            amount == null
                ? auth.heldAmount()
                : Math.min(auth.heldAmount(), toCardAmount(auth, amount)));
  }

  /**
   * Releases what is held beyond {@code remaining} (merchant currency), what the merchant now takes
   * in all (ISO 8583's DE95): a second partial reversal releases from what the first left, not from
   * the original amount again. Only the card network sends these.
   */
  Adjustment reverseTo(String authorizationKey, String networkId, long remaining) {
    // What stays held: the remaining amount less what clearings already took of it.
    java.util.function.ToLongFunction<Authorization> release =
        auth ->
            Math.max(
                0,
                auth.heldAmount()
                    - Math.max(0, toCardAmount(auth, remaining) - auth.clearedAmount()));
    return reverse(
        null,
        authorizationKey,
        networkId,
        auth -> toMerchantAmount(auth, release.applyAsLong(auth)),
        release);
  }

  private Adjustment reverse(
      Realm realm,
      String authorizationKey,
      String networkId,
      java.util.function.ToLongFunction<Authorization> merchantAmountOf,
      java.util.function.ToLongFunction<Authorization> cardAmountOf) {
    String idScope = JdbcAuthorizations.idScope(realm);
    claimNetworkId(idScope, networkId);
    Optional<Adjustment> earlier = adjustment(idScope, networkId);
    if (earlier.isPresent()) {
      return ownRepeat(realm, authorizationKey, earlier.get());
    }
    Authorization auth = lockPending(realm, authorizationKey);
    Realm owner = realmOf(auth);
    if (!"pending".equals(auth.status())) {
      long requested = merchantAmountOf == null ? 0 : merchantAmountOf.applyAsLong(auth);
      return storeAdjustment(
          auth,
          idScope,
          networkId,
          "reversal",
          false,
          "12",
          requested,
          0,
          "The authorization is " + auth.status() + ": nothing is held to reverse");
    }
    long cardAmount = cardAmountOf.applyAsLong(auth);
    long merchantAmount =
        merchantAmountOf == null ? auth.amount() : merchantAmountOf.applyAsLong(auth);
    HoldResult released =
        cardAmount == 0
            ? new HoldResult.NotFound()
            : ledger.releaseHold(
                owner, auth.holdId(), holdOperationId(idScope, networkId), cardAmount);
    long actuallyReleased = cardAmount;
    if (released instanceof HoldResult.NotActive) {
      actuallyReleased = 0;
    }
    releaseUsage(owner, auth, actuallyReleased);
    long heldAfter = auth.heldAmount() - actuallyReleased;
    String status = heldAfter > 0 ? null : (auth.clearedAmount() > 0 ? "closed" : "reversed");
    authorizations.adjust(auth.id(), -actuallyReleased, 0, actuallyReleased, status);
    Adjustment adjustment =
        storeAdjustment(
            auth,
            idScope,
            networkId,
            "reversal",
            true,
            "00",
            merchantAmount,
            actuallyReleased,
            heldAfter > 0 ? "Partly reversed; " + heldAfter + " still held" : "Reversed");
    outbox.append(owner, EventType.AUTHORIZATION_REVERSED, auth.id(), adjustment);
    return adjustment;
  }

  // ------------------------------------------------------------------ transactions

  /**
   * Clears an authorization: {@code amount} in {@code currency}, which must be the authorization's
   * (the merchant's) currency; null amount and currency clear what is held now.
   */
  Transaction clear(
      Realm realm,
      String authorizationKey,
      String networkId,
      Long amount,
      String currency,
      boolean finalClearing) {
    String idScope = JdbcAuthorizations.idScope(realm);
    claimNetworkId(idScope, networkId);
    Optional<Transaction> earlier = transaction(idScope, networkId);
    if (earlier.isPresent()) {
      return ownClearing(realm, authorizationKey, earlier.get());
    }
    Authorization auth = lockPending(realm, authorizationKey);
    Realm owner = realmOf(auth);
    if (!auth.approved()) {
      throw new Problem(ProblemCode.STATE_CONFLICT, "A declined authorization cannot be cleared");
    }
    if (currency != null && !currency.equals(auth.currency())) {
      // The amount would be read in the authorization's currency: 67.00 USD as 6,700 JPY.
      throw Problem.invalidField(
          "currency", "must be the authorization's currency, " + auth.currency());
    }
    long merchantAmount = amount == null ? auth.amount() : amount;
    // No amount: clear what is held now (the authorized amount with any increments).
    long cardAmount =
        amount == null && auth.heldAmount() > 0
            ? auth.heldAmount()
            : toCardAmount(auth, merchantAmount);
    Account account = ledger.find(owner, auth.accountId()).orElseThrow();
    Account settlement = ledger.systemAccount(owner, AccountKind.SETTLEMENT, account.currency());
    String txnId = ids.next("txn_");
    // A stand-in advice on an empty account approved without a hold: nothing is held.
    Hold hold = ledger.findHold(owner, auth.holdId()).orElse(null);
    long held =
        hold != null && hold.status() == dev.cardos.ledger.HoldStatus.ACTIVE
            ? hold.amountMinor()
            : 0;
    long coverable = Math.addExact(held, Math.max(0, account.availableMinor()));
    long fromAccount = Math.min(cardAmount, coverable);
    String postingId = null;
    if (held > 0 && fromAccount > 0) {
      HoldResult captured =
          ledger.captureHold(
              owner, auth.holdId(), txnId, fromAccount, settlement.id(), finalClearing);
      postingId = ((HoldResult.Done) captured).postingId();
    } else if (fromAccount > 0) {
      postingId =
          post(
              owner,
              "settlement",
              txnId,
              List.of(
                  Leg.debit(account.id(), fromAccount), Leg.credit(settlement.id(), fromAccount)));
    }
    if (finalClearing && held > 0 && fromAccount == 0) {
      ledger.releaseHold(owner, auth.holdId(), txnId + ":release", held);
    }
    String review = null;
    long shortfall = cardAmount - fromAccount;
    if (shortfall > 0) {
      String suspense = ledger.systemAccount(owner, AccountKind.SUSPENSE, account.currency()).id();
      String p =
          post(
              owner,
              "settlement_shortfall",
              txnId,
              List.of(Leg.debit(suspense, shortfall), Leg.credit(settlement.id(), shortfall)));
      postingId = postingId == null ? p : postingId;
      review =
          "Cleared "
              + Currencies.format(shortfall, account.currency())
              + " beyond what was held and available; booked to suspense";
    }
    // Everything ever authorized, increments included: what is held, cleared or reversed.
    long authorized =
        Math.addExact(
            Math.addExact(auth.heldAmount(), auth.clearedAmount()), auth.reversedAmount());
    long clearedTotal = Math.addExact(auth.clearedAmount(), cardAmount);
    if (review == null
        && BigDecimal.valueOf(clearedTotal)
                .compareTo(
                    BigDecimal.valueOf(authorized)
                        .multiply(BigDecimal.ONE.add(OVER_CLEARING_TOLERANCE)))
            > 0) {
      review =
          "Cleared "
              + Currencies.format(clearedTotal, account.currency())
              + " against "
              + Currencies.format(authorized, account.currency())
              + " authorized, beyond the 10 % tolerance";
    }
    Hold after = ledger.findHold(owner, auth.holdId()).orElse(null);
    long heldAfter =
        after != null && after.status() == dev.cardos.ledger.HoldStatus.ACTIVE
            ? after.amountMinor()
            : 0;
    // What a final clearing released without capturing no longer counts against the limits.
    long releasedUncleared = Math.max(0, held - Math.min(held, fromAccount) - heldAfter);
    releaseUsage(owner, auth, releasedUncleared);
    authorizations.adjust(
        auth.id(), heldAfter - auth.heldAmount(), cardAmount, 0, heldAfter == 0 ? "closed" : null);
    Card card = cards.find(owner, auth.cardId()).orElseThrow();
    Transaction txn =
        insertTransaction(
            txnId,
            owner,
            card,
            account,
            auth.id(),
            idScope,
            networkId,
            "settlement",
            merchantAmount,
            auth.currency(),
            cardAmount,
            merchantOf(auth),
            postingId,
            review);
    return settled(owner, card, txn);
  }

  /**
   * A clearing with no authorization before it: posted as it comes, shortfall to suspense. {@code
   * simulatedBy} is the realm that simulated it, null for the card network's.
   */
  Transaction forcePost(
      Realm simulatedBy,
      Realm owner,
      Card card,
      String networkId,
      long amount,
      String currency,
      DecisionCore.Merchant merchant) {
    String idScope = JdbcAuthorizations.idScope(simulatedBy);
    claimNetworkId(idScope, networkId);
    Optional<Transaction> earlier = transaction(idScope, networkId);
    if (earlier.isPresent()) {
      return ownTransaction(owner, card, earlier.get());
    }
    Account account = ledger.find(owner, card.accountId()).orElseThrow();
    long cardAmount = inAccountCurrency(owner, card, amount, currency, account.currency(), true);
    Account settlement = ledger.systemAccount(owner, AccountKind.SETTLEMENT, account.currency());
    String txnId = ids.next("txn_");
    long fromAccount = Math.min(cardAmount, Math.max(0, account.availableMinor()));
    List<Leg> legs = new ArrayList<>();
    if (fromAccount > 0) {
      legs.add(Leg.debit(account.id(), fromAccount));
    }
    String review = "Cleared without an authorization";
    long shortfall = cardAmount - fromAccount;
    if (shortfall > 0) {
      legs.add(
          Leg.debit(
              ledger.systemAccount(owner, AccountKind.SUSPENSE, account.currency()).id(),
              shortfall));
      review =
          review
              + "; "
              + Currencies.format(shortfall, account.currency())
              + " beyond the available balance booked to suspense";
    }
    legs.add(Leg.credit(settlement.id(), cardAmount));
    String postingId = post(owner, "force_post", txnId, legs);
    Transaction txn =
        insertTransaction(
            txnId,
            owner,
            card,
            account,
            null,
            idScope,
            networkId,
            "force_post",
            amount,
            currency,
            cardAmount,
            merchantMap(merchant),
            postingId,
            review);
    return settled(owner, card, txn);
  }

  /** A merchant's refund to a card; {@code simulatedBy} as for {@link #forcePost}. */
  Transaction refund(
      Realm simulatedBy,
      Realm owner,
      Card card,
      String networkId,
      long amount,
      String currency,
      DecisionCore.Merchant merchant,
      String originalAuthorizationKey) {
    String idScope = JdbcAuthorizations.idScope(simulatedBy);
    claimNetworkId(idScope, networkId);
    Optional<Transaction> earlier = transaction(idScope, networkId);
    if (earlier.isPresent()) {
      return ownTransaction(owner, card, earlier.get());
    }
    String authorizationId = null;
    if (originalAuthorizationKey != null) {
      // The network's refund names one of the network's authorizations of the card's realm; a
      // simulated one, one of its own realm's.
      authorizationId =
          (simulatedBy == null
                  ? authorizations
                      .lock(null, originalAuthorizationKey)
                      .filter(a -> owner.equals(realmOf(a)))
                  : authorizations.lock(owner, originalAuthorizationKey))
              .map(Authorization::id)
              .orElse(null);
    }
    Account account = ledger.find(owner, card.accountId()).orElseThrow();
    long cardAmount = inAccountCurrency(owner, card, amount, currency, account.currency(), false);
    Account settlement = ledger.systemAccount(owner, AccountKind.SETTLEMENT, account.currency());
    String txnId = ids.next("txn_");
    String postingId =
        post(
            owner,
            "refund",
            txnId,
            List.of(Leg.debit(settlement.id(), cardAmount), Leg.credit(account.id(), cardAmount)));
    Transaction txn =
        insertTransaction(
            txnId,
            owner,
            card,
            account,
            authorizationId,
            idScope,
            networkId,
            "refund",
            amount,
            currency,
            cardAmount,
            merchantMap(merchant),
            postingId,
            null);
    outbox.append(owner, EventType.TRANSACTION_REFUNDED, txn.id(), txn);
    return txn;
  }

  /** Marks pending authorizations whose hold time has passed as expired. */
  int expireDue(Instant now, int limit) {
    List<String> due =
        jdbc.sql(
                """
                SELECT id FROM authorizations
                WHERE status = 'pending' AND hold_expires_at <= :now
                ORDER BY hold_expires_at LIMIT :limit FOR UPDATE SKIP LOCKED
                """)
            .param("now", Timestamps.sql(now))
            .param("limit", limit)
            .query(String.class)
            .list();
    for (String id : due) {
      Realm owner = authorizations.realmOf(id).orElseThrow();
      Authorization auth = authorizations.lock(owner, id).orElseThrow();
      ledger.releaseHold(owner, auth.holdId(), id + ":expiry", Math.max(1, auth.heldAmount()));
      releaseUsage(owner, auth, auth.heldAmount());
      authorizations.adjust(auth.id(), -auth.heldAmount(), 0, 0, "expired");
      outbox.append(
          owner,
          EventType.AUTHORIZATION_EXPIRED,
          auth.id(),
          authorizations.find(owner, id).orElseThrow());
    }
    return due.size();
  }

  // ------------------------------------------------------------------ helpers

  /** Announces a settlement; a single-use card ends after its first (SPEC §4). */
  private Transaction settled(Realm owner, Card card, Transaction txn) {
    outbox.append(owner, EventType.TRANSACTION_SETTLED, txn.id(), txn);
    if (card.singleUse()) {
      termination.terminate(owner, card.id(), "single-use card cleared");
    }
    return txn;
  }

  /**
   * A repeated message's first answer. In test mode the tenant picks message ids, so one another
   * realm used is refused rather than answered with that realm's data.
   */
  private Adjustment ownRepeat(Realm realm, String authorizationKey, Adjustment earlier) {
    // The same message names the same authorization (within the caller's realm for a simulation,
    // among the network's for the network); an id reused for another one is another message.
    if (!names(realm, authorizationKey, earlier.authorizationId())) {
      throw AuthorizationEngine.idUsedByAnotherMessage();
    }
    return earlier;
  }

  private Transaction ownClearing(Realm realm, String authorizationKey, Transaction earlier) {
    if (earlier.authorizationId() == null
        || !names(realm, authorizationKey, earlier.authorizationId())) {
      throw AuthorizationEngine.idUsedByAnotherMessage();
    }
    return earlier;
  }

  /** A repeated refund or force post: one of the realm's, on the same card. */
  private Transaction ownTransaction(Realm owner, Card card, Transaction earlier) {
    if (findTransaction(owner, earlier.id()).isEmpty() || !card.id().equals(earlier.cardId())) {
      throw AuthorizationEngine.idUsedByAnotherMessage();
    }
    return earlier;
  }

  private boolean names(Realm realm, String authorizationKey, String authorizationId) {
    return authorizations
        .lock(realm, authorizationKey)
        .map(a -> a.id().equals(authorizationId))
        .orElse(false);
  }

  private Authorization lockPending(Realm realm, String key) {
    return authorizations
        .lock(realm, key)
        .orElseThrow(() -> Problem.notFound("authorization", key));
  }

  private Realm realmOf(Authorization auth) {
    return authorizations
        .realmOf(auth.id())
        .orElseThrow(() -> Problem.notFound("authorization", auth.id()));
  }

  /** An amount in the authorization's merchant currency, at the rate the authorization used. */
  /** {@code cardAmount} back in the merchant's currency, at the authorization's rate. */
  private static long toMerchantAmount(Authorization auth, long cardAmount) {
    if (auth.fxRate() == null) {
      return cardAmount;
    }
    int shift = Currencies.exponent(auth.currency()) - Currencies.exponent(auth.cardCurrency());
    return BigDecimal.valueOf(cardAmount)
        .divide(new BigDecimal(auth.fxRate()), java.math.MathContext.DECIMAL64)
        .scaleByPowerOfTen(shift)
        .setScale(0, RoundingMode.HALF_UP)
        .longValueExact();
  }

  private static long toCardAmount(Authorization auth, long amount) {
    if (auth.fxRate() == null) {
      return amount;
    }
    int shift = Currencies.exponent(auth.cardCurrency()) - Currencies.exponent(auth.currency());
    return BigDecimal.valueOf(amount)
        .multiply(new BigDecimal(auth.fxRate()))
        .scaleByPowerOfTen(shift)
        .setScale(0, RoundingMode.HALF_UP)
        .longValueExact();
  }

  /**
   * An amount in the card's account currency at the operator's rate and the program's markup: a
   * payment ({@code charge}) costs the rate plus the markup, a refund returns it less the markup.
   */
  private long inAccountCurrency(
      Realm owner, Card card, long amount, String from, String to, boolean charge) {
    if (from.equals(to)) {
      return amount;
    }
    int markupBps = programs.find(owner.tenantId(), card.programId()).orElseThrow().fxMarkupBps();
    return (charge
            ? rates.charge(amount, from, to, markupBps)
            : rates.convert(amount, from, to, markupBps))
        .map(ExchangeRates.Converted::amountMinor)
        .orElseThrow(
            () ->
                new Problem(
                    ProblemCode.FX_RATE_UNAVAILABLE, "No " + from + "/" + to + " rate is set"));
  }

  private void releaseUsage(Realm owner, Authorization auth, long cardAmount) {
    if (cardAmount <= 0) {
      return;
    }
    Card card = cards.find(owner, auth.cardId()).orElseThrow();
    Program program = programs.find(owner.tenantId(), card.programId()).orElseThrow();
    ZoneId zone = ZoneId.of(program.timeZone());
    List<String> keys = new ArrayList<>();
    for (Window w : Window.values()) {
      keys.add(w.key(auth.createdAt(), zone));
    }
    controls.release(card.id(), keys, cardAmount);
    if (card.cardholderId() != null) {
      controls.release(card.cardholderId(), keys, cardAmount);
    }
  }

  private String post(Realm owner, String kind, String reference, List<Leg> legs) {
    return switch (ledger.post(owner, new PostingRequest(kind, null, reference, legs))) {
      case PostingResult.Posted posted -> posted.postingId();
      case PostingResult.InsufficientFunds refused ->
          throw new IllegalStateException("a checked posting was refused: " + refused);
    };
  }

  /**
   * Serialises the copies of one network message: the network (or a retrying client) may send the
   * same message again while the first is still being applied, and each copy's look-up of an
   * earlier answer would otherwise miss it and collide on the unique network transaction id. The
   * lock is held until this transaction ends, so a copy that waited sees the first one's answer.
   */
  /**
   * The ledger's id for a hold operation a message asks for: unique over all holds, so a message id
   * a tenant picked in a simulation must not take the one the network will send (the network's
   * operation would collide with it and fail).
   */
  private static String holdOperationId(String idScope, String networkId) {
    return idScope.isEmpty() ? networkId : idScope + " " + networkId;
  }

  private void claimNetworkId(String scope, String networkId) {
    jdbc.sql(
            """
            SELECT pg_advisory_xact_lock(
                hashtextextended('network message ' || :scope || ' ' || :id, 0))
            """)
        .param("scope", scope)
        .param("id", networkId)
        .query()
        .singleRow();
  }

  private Optional<Adjustment> adjustment(String scope, String networkId) {
    return jdbc.sql(
            """
            SELECT * FROM authorization_adjustments
            WHERE network_transaction_id = :id AND ntid_scope = :scope
            """)
        .param("id", networkId)
        .param("scope", scope)
        .query(AuthorizationLifecycle::adjustmentRow)
        .optional();
  }

  private Adjustment storeAdjustment(
      Authorization auth,
      String scope,
      String networkId,
      String kind,
      boolean approved,
      String code,
      long amount,
      long cardAmount,
      String explanation) {
    Adjustment a =
        new Adjustment(
            ids.next("adj_"),
            auth.id(),
            networkId,
            kind,
            approved,
            code,
            amount,
            cardAmount,
            explanation,
            Timestamps.now(clock));
    jdbc.sql(
            """
            INSERT INTO authorization_adjustments (id, authorization_id, network_transaction_id,
                ntid_scope, kind, approved, response_code, amount, card_amount, explanation,
                created_at)
            VALUES (:id, :auth, :ntid, :scope, :kind, :approved, :code, :amount, :cardAmount,
                :explanation, :at)
            """)
        .param("id", a.id())
        .param("scope", scope)
        .param("auth", a.authorizationId())
        .param("ntid", networkId)
        .param("kind", kind)
        .param("approved", approved)
        .param("code", code)
        .param("amount", amount)
        .param("cardAmount", cardAmount)
        .param("explanation", explanation)
        .param("at", Timestamps.sql(a.createdAt()))
        .update();
    return a;
  }

  private static Adjustment adjustmentRow(ResultSet rs, int row) throws SQLException {
    return new Adjustment(
        rs.getString("id"),
        rs.getString("authorization_id"),
        rs.getString("network_transaction_id"),
        rs.getString("kind"),
        rs.getBoolean("approved"),
        rs.getString("response_code"),
        rs.getLong("amount"),
        rs.getLong("card_amount"),
        rs.getString("explanation"),
        Timestamps.instant(rs.getTimestamp("created_at")));
  }

  Optional<Transaction> transaction(String scope, String networkId) {
    return jdbc.sql(
            "SELECT * FROM transactions WHERE network_transaction_id = :id AND ntid_scope = :scope")
        .param("id", networkId)
        .param("scope", scope)
        .query(AuthorizationLifecycle::transactionRow)
        .optional();
  }

  @Override
  public Optional<Transaction> find(Realm realm, String transactionId) {
    return findTransaction(realm, transactionId);
  }

  @Override
  public long settled(Realm realm, String authorizationId) {
    return jdbc.sql(
            """
            SELECT coalesce(sum(card_amount), 0) FROM transactions
            WHERE tenant_id = :tenant AND mode = :mode AND authorization_id = :auth
              AND kind <> 'refund'
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("auth", authorizationId)
        .query(Long.class)
        .single();
  }

  @Override
  public long refunded(Realm realm, String authorizationId) {
    return jdbc.sql(
            """
            SELECT coalesce(sum(card_amount), 0) FROM transactions
            WHERE tenant_id = :tenant AND mode = :mode AND authorization_id = :auth
              AND kind = 'refund'
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("auth", authorizationId)
        .query(Long.class)
        .single();
  }

  Optional<Transaction> findTransaction(Realm realm, String id) {
    return jdbc.sql(
            "SELECT * FROM transactions WHERE tenant_id = :tenant AND mode = :mode AND id = :id")
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", id)
        .query(AuthorizationLifecycle::transactionRow)
        .optional();
  }

  dev.cardos.shared.Page<Transaction> listTransactions(
      Realm realm, String cardId, String kind, dev.cardos.shared.PageRequest page) {
    return dev.cardos.shared.Page.of(
        jdbc.sql(
                """
                SELECT * FROM transactions WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:card AS text) IS NULL OR card_id = :card)
                  AND (CAST(:kind AS text) IS NULL OR kind = :kind)
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("card", cardId)
            .param("kind", kind)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(AuthorizationLifecycle::transactionRow)
            .list(),
        page);
  }

  private Transaction insertTransaction(
      String id,
      Realm owner,
      Card card,
      Account account,
      String authorizationId,
      String scope,
      String networkId,
      String kind,
      long amount,
      String currency,
      long cardAmount,
      Map<String, String> merchant,
      String postingId,
      String review) {
    Transaction t =
        new Transaction(
            id,
            owner.live(),
            card.id(),
            card.cardholderId(),
            account.id(),
            authorizationId,
            networkId,
            kind,
            amount,
            currency,
            cardAmount,
            account.currency(),
            merchant,
            postingId,
            review != null,
            review,
            Timestamps.now(clock));
    jdbc.sql(
            """
            INSERT INTO transactions (id, tenant_id, mode, card_id, cardholder_id, account_id,
                authorization_id, network_transaction_id, ntid_scope, kind, amount, currency,
                card_amount, card_currency, merchant_id, merchant_name, mcc, merchant_country,
                posting_id, review_required, review_reason, created_at)
            VALUES (:id, :tenant, :mode, :card, :cardholder, :account, :auth, :ntid, :scope,
                :kind, :amount, :currency, :cardAmount, :cardCurrency, :mid, :mname, :mcc,
                :mcountry, :posting, :review, :reason, :at)
            """)
        .param("scope", scope)
        .param("id", t.id())
        .param("tenant", owner.tenantId())
        .param("mode", owner.mode().wire())
        .param("card", t.cardId())
        .param("cardholder", t.cardholderId())
        .param("account", t.accountId())
        .param("auth", authorizationId)
        .param("ntid", networkId)
        .param("kind", kind)
        .param("amount", amount)
        .param("currency", currency)
        .param("cardAmount", cardAmount)
        .param("cardCurrency", t.cardCurrency())
        .param("mid", merchant.get("id"))
        .param("mname", merchant.get("name"))
        .param("mcc", merchant.get("mcc"))
        .param("mcountry", merchant.get("country"))
        .param("posting", postingId)
        .param("review", review != null)
        .param("reason", review)
        .param("at", Timestamps.sql(t.createdAt()))
        .update();
    return t;
  }

  private static Transaction transactionRow(ResultSet rs, int row) throws SQLException {
    Map<String, String> merchant = new LinkedHashMap<>();
    merchant.put("id", rs.getString("merchant_id"));
    merchant.put("name", rs.getString("merchant_name"));
    merchant.put("mcc", rs.getString("mcc"));
    merchant.put("country", rs.getString("merchant_country"));
    return new Transaction(
        rs.getString("id"),
        "live".equals(rs.getString("mode")),
        rs.getString("card_id"),
        rs.getString("cardholder_id"),
        rs.getString("account_id"),
        rs.getString("authorization_id"),
        rs.getString("network_transaction_id"),
        rs.getString("kind"),
        rs.getLong("amount"),
        rs.getString("currency"),
        rs.getLong("card_amount"),
        rs.getString("card_currency"),
        merchant,
        rs.getString("posting_id"),
        rs.getBoolean("review_required"),
        rs.getString("review_reason"),
        Timestamps.instant(rs.getTimestamp("created_at")));
  }

  private static Map<String, String> merchantOf(Authorization auth) {
    return auth.merchant();
  }

  private static Map<String, String> merchantMap(DecisionCore.Merchant m) {
    Map<String, String> merchant = new LinkedHashMap<>();
    if (m != null) {
      merchant.put("id", m.id());
      merchant.put("name", m.name());
      merchant.put("mcc", m.mcc());
      merchant.put("country", m.country());
    }
    return merchant;
  }
}
