package dev.cardos.authorization.internal;

import dev.cardos.authorization.Adjustment;
import dev.cardos.authorization.Authorization;
import dev.cardos.authorization.DecisionCore;
import dev.cardos.authorization.DeclineReason;
import dev.cardos.authorization.NetworkMessages;
import dev.cardos.authorization.Transaction;
import dev.cardos.cards.Card;
import dev.cardos.cards.CardSecurity;
import dev.cardos.cards.Cards;
import dev.cardos.cards.Pan;
import dev.cardos.controls.Controls;
import dev.cardos.controls.Window;
import dev.cardos.events.EventType;
import dev.cardos.events.Outbox;
import dev.cardos.funding.ExchangeRates;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.HoldResult;
import dev.cardos.ledger.Ledger;
import dev.cardos.programs.Program;
import dev.cardos.programs.Programs;
import dev.cardos.shared.Amounts;
import dev.cardos.shared.Countries;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.tenancy.Realm;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The network's messages for transports other than JSON, run on the same {@link
 * AuthorizationEngine} and {@link AuthorizationLifecycle} the {@code /v1/network/*} endpoints call,
 * with the same input checks. Only the stand-in advice and the card check are its own: the engine
 * has no path that approves without deciding, or decides without holding.
 */
@Service
class EngineNetworkMessages implements NetworkMessages {

  /** The card network's namespace of message ids: every message here is the network's. */
  private static final String NETWORK = JdbcAuthorizations.idScope(null);

  /** How often an advice retries its hold when a concurrent payment took the available balance. */
  private static final int ADVICE_HOLD_ATTEMPTS_MAX = 3;

  private final AuthorizationEngine engine;
  private final AuthorizationLifecycle lifecycle;
  private final Cards cards;
  private final CardSecurity security;
  private final Programs programs;
  private final Ledger ledger;
  private final Controls controls;
  private final ExchangeRates rates;
  private final JdbcAuthorizations authorizations;
  private final Outbox outbox;
  private final TransactionTemplate transactions;
  private final Ids ids;
  private final Clock clock;

  EngineNetworkMessages(
      AuthorizationEngine engine,
      AuthorizationLifecycle lifecycle,
      Cards cards,
      CardSecurity security,
      Programs programs,
      Ledger ledger,
      Controls controls,
      ExchangeRates rates,
      JdbcAuthorizations authorizations,
      Outbox outbox,
      TransactionTemplate transactions,
      Ids ids,
      Clock clock) {
    this.engine = engine;
    this.lifecycle = lifecycle;
    this.cards = cards;
    this.security = security;
    this.programs = programs;
    this.ledger = ledger;
    this.controls = controls;
    this.rates = rates;
    this.authorizations = authorizations;
    this.outbox = outbox;
    this.transactions = transactions;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public Authorization authorize(Presentment p, long arrivalNanos) {
    validate(p);
    return engine.authorize(
        new AuthorizationEngine.Request(
            p.networkTransactionId(),
            p.pan(),
            null,
            null,
            p.amount(),
            p.currency(),
            p.merchant(),
            p.channel(),
            p.expiryYymm(),
            p.cvv2(),
            p.pinFormat(),
            p.pinBlock(),
            p.threeDs(),
            null),
        arrivalNanos);
  }

  private static void validate(Presentment p) {
    Amounts.requirePositive(p.amount(), "amount");
    Currencies.require(p.currency(), "currency");
    Countries.require(p.merchant().country(), "merchant.country");
  }

  @Override
  public Authorization recordAdvice(Presentment p) {
    validate(p);
    Optional<Authorization> earlier =
        authorizations.byNetworkTransactionId(NETWORK, p.networkTransactionId());
    Optional<Cards.CardWithRealm> byPan = cards.findByPan(p.pan());
    if (earlier.isPresent()) {
      // A repeat of the advice gets what it recorded; another message with its id does not.
      return AuthorizationEngine.repeatOf(
          earlier.get(),
          byPan.map(Cards.CardWithRealm::card).orElse(null),
          p.amount(),
          p.currency());
    }
    Cards.CardWithRealm found = byPan.orElseThrow(() -> Problem.notFound("card", "****"));
    Realm realm = found.realm();
    Card card = found.card();
    Program program = programs.find(realm.tenantId(), card.programId()).orElseThrow();
    Account account = ledger.find(realm, card.accountId()).orElseThrow();
    long cardAmount = p.amount();
    BigDecimal rate = null;
    if (!p.currency().equals(account.currency())) {
      ExchangeRates.Converted converted =
          rates
              .charge(p.amount(), p.currency(), account.currency(), program.fxMarkupBps())
              .orElseThrow(
                  () ->
                      new Problem(
                          ProblemCode.FX_RATE_UNAVAILABLE,
                          "No " + p.currency() + "/" + account.currency() + " rate is set"));
      cardAmount = converted.amountMinor();
      rate = converted.effectiveRate();
    }
    String authorizationId = ids.next("auth_");
    Instant now = clock.instant();
    Instant holdExpiry = now.plus(Duration.ofDays(program.holdExpiryDays()));
    long amountInCard = cardAmount;
    BigDecimal fxRate = rate;
    try {
      Authorization recorded =
          transactions.execute(
              tx -> {
                long held =
                    holdWhatIsAvailable(realm, authorizationId, account, amountInCard, holdExpiry);
                // Stand-in spend counts against the windows without a limit to refuse it.
                for (AuthorizationEngine.Scope scope :
                    engine.scopesFor(realm, card, program, now)) {
                  List<Controls.Charge> charges = new ArrayList<>();
                  for (Window window : Window.values()) {
                    charges.add(
                        new Controls.Charge(
                            scope.windowKeys().get(window), amountInCard, null, null));
                  }
                  controls.consume(scope.subjectId(), charges);
                }
                String explanation =
                    held == amountInCard
                        ? "Approved by the network in stand-in (advice)"
                        : "Approved by the network in stand-in (advice); "
                            + Currencies.format(amountInCard - held, account.currency())
                            + " beyond the available balance is not held";
                Authorization a =
                    authorizationRecord(
                        authorizationId,
                        realm,
                        card,
                        account,
                        p,
                        amountInCard,
                        fxRate,
                        null,
                        explanation,
                        held,
                        now);
                // With its hold's expiry even when nothing was held: the expiry then closes an
                // advice no clearing ever followed.
                authorizations.insert(realm, a, holdExpiry, card.singleUse());
                outbox.append(realm, EventType.AUTHORIZATION_APPROVED, a.id(), a);
                return a;
              });
      return recorded;
    } catch (org.springframework.dao.DuplicateKeyException repeated) {
      // The same advice arrived twice at once: the first one recorded stands.
      return AuthorizationEngine.repeatOf(
          authorizations.byNetworkTransactionId(NETWORK, p.networkTransactionId()).orElseThrow(),
          card,
          p.amount(),
          p.currency());
    }
  }

  /**
   * Holds as much of {@code amount} as is available, at most the whole amount; returns what it held
   * (0 when nothing is available: then there is no hold).
   */
  private long holdWhatIsAvailable(
      Realm realm, String holdId, Account account, long amount, Instant expiresAt) {
    for (int attempt = 0; attempt < ADVICE_HOLD_ATTEMPTS_MAX; attempt++) {
      long available = ledger.find(realm, account.id()).orElseThrow().availableMinor();
      long toHold = Math.min(amount, Math.max(0, available));
      if (toHold == 0) {
        return 0;
      }
      HoldResult hold = ledger.placeHold(realm, holdId, account.id(), toHold, expiresAt);
      if (hold instanceof HoldResult.Done) {
        return toHold;
      }
    }
    return 0;
  }

  /** An authorization row; card and account are null when no card has the number. */
  private Authorization authorizationRecord(
      String id,
      Realm realm,
      Card card,
      Account account,
      Presentment p,
      Long cardAmount,
      BigDecimal rate,
      DeclineReason declined,
      String explanation,
      long held,
      Instant now) {
    Map<String, String> merchant = new LinkedHashMap<>();
    merchant.put("id", p.merchant().id());
    merchant.put("name", p.merchant().name());
    merchant.put("mcc", p.merchant().mcc());
    merchant.put("city", p.merchant().city());
    merchant.put("country", p.merchant().country());
    return new Authorization(
        id,
        realm != null && realm.live(),
        card == null ? null : card.id(),
        card == null ? null : card.cardholderId(),
        account == null ? null : account.id(),
        p.networkTransactionId(),
        p.amount(),
        p.currency(),
        cardAmount,
        account == null ? null : account.currency(),
        rate == null ? null : rate.toPlainString(),
        merchant,
        p.channel().wire(),
        declined == null,
        declined == null ? "pending" : "declined",
        declined == null ? null : declined.wire(),
        declined == null ? "00" : declined.responseCode(),
        explanation,
        declined == null ? "stand_in" : "internal",
        null,
        null,
        null,
        held > 0 ? id : null,
        0,
        held,
        0,
        0,
        now.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  @Override
  public CardCheck check(Presentment p) {
    Optional<Cards.CardWithRealm> found = cards.findByPan(p.pan());
    if (found.isEmpty()) {
      return declinedCheck(null, null, null, p, DeclineReason.CARD_NOT_FOUND);
    }
    Realm realm = found.get().realm();
    Card card = found.get().card();
    Account account = ledger.find(realm, card.accountId()).orElseThrow();
    DecisionCore.Request request =
        new DecisionCore.Request(
            0,
            account.currency(),
            p.merchant(),
            p.channel(),
            p.expiryYymm(),
            DecisionCore.ThreeDs.NOT_ATTEMPTED);
    DecisionCore.CardState state =
        new DecisionCore.CardState(
            card.status(), card.expMonth(), card.expYear(), account.currency(), false);
    Optional<DecisionCore.Outcome.Decline> unusable = DecisionCore.cardChecks(request, state);
    if (unusable.isPresent()) {
      return declinedCheck(realm, card, account, p, unusable.get().reason());
    }
    if (p.cvv2() != null && !security.verifyCvv2(realm, card.id(), p.cvv2())) {
      return declinedCheck(realm, card, account, p, DeclineReason.INVALID_CVV);
    }
    if (p.pinBlock() != null) {
      DeclineReason pin =
          switch (security.verifyPin(realm, card.id(), p.pinFormat(), p.pinBlock())) {
            case VERIFIED -> null;
            case INCORRECT, NOT_SET -> DeclineReason.INCORRECT_PIN;
            case TRIES_EXCEEDED -> DeclineReason.PIN_TRIES_EXCEEDED;
          };
      if (pin != null) {
        return declinedCheck(realm, card, account, p, pin);
      }
    }
    // Zero-amount verifications are how stolen card details are tested: the same risk rule.
    Instant now = clock.instant();
    int recent =
        authorizations.recentDeclines(
            card.id(), now.minus(Duration.ofMinutes(DecisionCore.RISK_WINDOW_MINUTES)));
    if (recent >= DecisionCore.RISK_DECLINES_MAX) {
      return declinedCheck(realm, card, account, p, DeclineReason.RISK_RULE);
    }
    return new CardCheck(null, account.currency(), account.ledgerMinor(), account.availableMinor());
  }

  /**
   * A failed verification or inquiry is stored as a declined authorization of its amount (0), with
   * its event, like every decline: support can see it, and wrong CVV2s and expiries count towards
   * the card-testing risk rule. A repeat of the same message stores nothing more.
   */
  private CardCheck declinedCheck(
      Realm realm, Card card, Account account, Presentment p, DeclineReason reason) {
    Authorization declined =
        authorizationRecord(
            ids.next("auth_"),
            realm,
            card,
            account,
            p,
            null,
            null,
            reason,
            reason.meaning(),
            0,
            clock.instant());
    // Stored as the engine stores every decline; a repeat of the message stores nothing more.
    engine.store(realm, NETWORK, declined, null);
    return new CardCheck(reason, null, 0, 0);
  }

  @Override
  public Adjustment reverse(String networkTransactionId, String original, Long amount) {
    Long checked = amount == null ? null : Amounts.requirePositive(amount, "amount");
    return lifecycle.reverse(null, original, networkTransactionId, checked);
  }

  @Override
  public Adjustment reverseTo(String networkTransactionId, String original, long remaining) {
    return lifecycle.reverseTo(
        original, networkTransactionId, Amounts.requirePositive(remaining, "remaining"));
  }

  @Override
  public Transaction clear(
      String networkTransactionId, String original, Long amount, boolean finalClearing) {
    Long checked = amount == null ? null : Amounts.requirePositive(amount, "amount");
    return lifecycle.clear(null, original, networkTransactionId, checked, null, finalClearing);
  }

  @Override
  public Transaction refund(
      String networkTransactionId,
      Pan pan,
      long amount,
      String currency,
      DecisionCore.Merchant merchant,
      String original) {
    Amounts.requirePositive(amount, "amount");
    Currencies.require(currency, "currency");
    Cards.CardWithRealm card =
        cards.findByPan(pan).orElseThrow(() -> Problem.notFound("card", "****"));
    return lifecycle.refund(
        null,
        card.realm(),
        card.card(),
        networkTransactionId,
        amount,
        currency,
        merchant,
        original);
  }
}
