package dev.cardos.authorization.internal;

import dev.cardos.authorization.Authorization;
import dev.cardos.authorization.DecisionCore;
import dev.cardos.authorization.DecisionCore.Outcome;
import dev.cardos.authorization.DeclineReason;
import dev.cardos.cards.Card;
import dev.cardos.cards.CardSecurity;
import dev.cardos.cards.Cards;
import dev.cardos.cards.Pan;
import dev.cardos.controls.Channel;
import dev.cardos.controls.Controls;
import dev.cardos.controls.SpendControls;
import dev.cardos.controls.Window;
import dev.cardos.events.EventType;
import dev.cardos.events.Outbox;
import dev.cardos.funding.ExchangeRates;
import dev.cardos.keys.Keys;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.HoldResult;
import dev.cardos.ledger.Ledger;
import dev.cardos.programs.BinRange;
import dev.cardos.programs.Program;
import dev.cardos.programs.Programs;
import dev.cardos.shared.Ids;
import dev.cardos.shared.RoundTrip;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Orchestrates one authorization: read what the decision needs (no transaction), run the pure
 * {@link DecisionCore}, ask the tenant's webhook (no connection held), then one short transaction
 * that places the hold and consumes the limits with their final checks, stores the authorization
 * and appends its event. A repeated network transaction id returns the first answer.
 */
@Service
class AuthorizationEngine {

  private final Cards cards;
  private final CardSecurity security;
  private final Programs programs;
  private final Ledger ledger;
  private final Controls controls;
  private final ExchangeRates rates;
  private final DecisionWebhooks webhooks;
  private final Keys keys;
  private final JdbcAuthorizations authorizations;
  private final Outbox outbox;
  private final GroupCommit writer;
  private final RoundTrip roundTrip;
  private final Ids ids;
  private final Clock clock;
  private final MeterRegistry metrics;

  /** Where a group commit's authorizations and events go: one statement each per batch. */
  private final GroupCommit.Sink<JdbcAuthorizations.Row> authorizationRows;

  private final GroupCommit.Sink<Outbox.Event> events;

  /** A program's default controls, parsed once: programs never change after creation. */
  private final com.github.benmanes.caffeine.cache.Cache<String, SpendControls> programControls =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();

  AuthorizationEngine(
      Cards cards,
      CardSecurity security,
      Programs programs,
      Ledger ledger,
      Controls controls,
      ExchangeRates rates,
      DecisionWebhooks webhooks,
      Keys keys,
      JdbcAuthorizations authorizations,
      Outbox outbox,
      GroupCommit writer,
      RoundTrip roundTrip,
      Ids ids,
      Clock clock,
      MeterRegistry metrics) {
    this.cards = cards;
    this.security = security;
    this.programs = programs;
    this.ledger = ledger;
    this.controls = controls;
    this.rates = rates;
    this.webhooks = webhooks;
    this.keys = keys;
    this.authorizations = authorizations;
    this.outbox = outbox;
    this.writer = writer;
    this.roundTrip = roundTrip;
    this.ids = ids;
    this.clock = clock;
    this.metrics = metrics;
    this.authorizationRows = authorizations::insertAll;
    this.events = outbox::appendAll;
  }

  /** The card is named by number (the network) or, in test mode, by id within a realm. */
  record Request(
      String networkTransactionId,
      Pan pan,
      Realm realm,
      String cardId,
      long amount,
      String currency,
      DecisionCore.Merchant merchant,
      Channel channel,
      String expiryYymm,
      String cvv2,
      CardSecurity.PinBlockFormat pinFormat,
      byte[] pinBlock,
      DecisionCore.ThreeDs threeDs,
      String sentByKeyId) {

    /** The namespace of its network transaction id: the network's, or the simulating realm's. */
    String idScope() {
      return JdbcAuthorizations.idScope(realm);
    }

    @Override
    public String toString() {
      return "Request[" + networkTransactionId + "]";
    }
  }

  Authorization authorize(Request request, long arrivalNanos) {
    Instant now = clock.instant();
    Instant riskSince = now.minus(Duration.ofMinutes(DecisionCore.RISK_WINDOW_MINUTES));
    Gathered gathered = gather(request, now, riskSince);
    if (gathered == null) {
      // No card has this number. A repeated message returns the first answer.
      JdbcAuthorizations.Prior prior =
          authorizations.prior(request.idScope(), request.networkTransactionId(), null, riskSince);
      if (prior.earlier().isPresent()) {
        return repeatOf(prior.earlier().get(), request, null);
      }
      return decline(
          new Attempt(null, null, null, request, arrivalNanos, null, ids.next("auth_")),
          new Outcome.Decline(DeclineReason.CARD_NOT_FOUND, "No card has this number"),
          null);
    }
    JdbcAuthorizations.Prior prior = gathered.prior().result();
    if (prior.earlier().isPresent()) {
      return repeatOf(prior.earlier().get(), request, gathered.card());
    }
    Realm realm = gathered.realm();
    Card card = gathered.card();
    Program program = gathered.program();
    BinRange range = programs.binRange(program.binRangeId()).orElseThrow();
    Account account = gathered.account().result().orElseThrow();
    DecisionCore.Request core =
        new DecisionCore.Request(
            request.amount(),
            request.currency(),
            request.merchant(),
            request.channel(),
            request.expiryYymm(),
            request.threeDs() == null ? DecisionCore.ThreeDs.NOT_ATTEMPTED : request.threeDs());
    DecisionCore.CardState state =
        new DecisionCore.CardState(
            card.status(),
            card.expMonth(),
            card.expYear(),
            account.currency(),
            range.features().contains("three_ds"));
    Optional<Outcome.Decline> unusable = DecisionCore.cardChecks(core, state);
    if (unusable.isPresent()) {
      return decline(
          new Attempt(realm, card, account, request, arrivalNanos, null, ids.next("auth_")),
          unusable.get(),
          null);
    }
    // 4. Verify what was presented; only now, so a frozen card's PIN tries are not counted.
    Boolean cvvMatches =
        request.cvv2() == null
            ? null
            : request.pan() != null
                ? security.verifyCvv2(realm, card, request.pan(), request.cvv2())
                : security.verifyCvv2(realm, card.id(), request.cvv2());
    CardSecurity.PinCheck pin =
        request.pinBlock() == null
            ? null
            : security.verifyPin(realm, card.id(), request.pinFormat(), request.pinBlock());
    DecisionCore.Conversion conversion = convert(request, account, program);
    List<Scope> scopes = gathered.scopes().scopes();
    DecisionCore.Inputs inputs =
        new DecisionCore.Inputs(
            core,
            state,
            new DecisionCore.Verification(cvvMatches, pin),
            conversion,
            SpendControls.mostRestrictive(scopes.stream().map(Scope::controls).toList()),
            scopes.stream().map(Scope::limits).toList(),
            account.availableMinor(),
            prior.recentDeclines());
    Outcome outcome = DecisionCore.decide(inputs);
    if (outcome instanceof Outcome.Decline declined) {
      return decline(
          new Attempt(realm, card, account, request, arrivalNanos, conversion, ids.next("auth_")),
          declined,
          null);
    }
    long cardAmount = ((Outcome.Pass) outcome).cardAmount();
    String authorizationId = ids.next("auth_");
    Attempt attempt =
        new Attempt(realm, card, account, request, arrivalNanos, conversion, authorizationId);
    // 15. The tenant's decision webhook, with no connection or lock held.
    Verdict verdict =
        askTenant(
            program,
            card,
            account,
            request,
            conversion,
            authorizationId,
            arrivalNanos,
            inputs.merged());
    if (!verdict.approve()) {
      return decline(
          attempt, new Outcome.Decline(verdict.reason(), verdict.explanation()), verdict);
    }
    // 16. Hold and limits, atomically, with their final checks, in the next group commit.
    Instant holdExpiry = now.plus(Duration.ofDays(program.holdExpiryDays()));
    Authorization answer;
    try {
      answer =
          writer.write(
              lockKey(card.cardholderId(), account.id()),
              step -> approve(step, attempt, verdict, scopes, cardAmount, holdExpiry));
    } catch (org.springframework.dao.DuplicateKeyException repeated) {
      // The same network message arrived more than once at the same moment: the first answer
      // stands, and this copy placed nothing (its writes were rolled back).
      return repeatOf(
          authorizations
              .byNetworkTransactionId(request.idScope(), request.networkTransactionId())
              .orElseThrow(),
          request,
          card);
    }
    count(answer);
    return answer;
  }

  /**
   * The approval's writes: the hold (only if the account covers it, under its row lock), the limit
   * windows (kept only if they stay within their limits), then, with the rest of the group commit,
   * the authorization and its event. When a final check fails, the decline is written instead.
   */
  private Authorization approve(
      GroupCommit.Step step,
      Attempt attempt,
      Verdict verdict,
      List<Scope> scopes,
      long cardAmount,
      Instant holdExpiry) {
    Realm realm = attempt.realm();
    List<Controls.Consumption> charges =
        scopes.stream()
            .map(s -> new Controls.Consumption(s.subjectId(), s.charges(cardAmount)))
            .toList();
    // The hold first: every decision on an account takes its row before anything else, so
    // batches on two nodes cannot lock in opposite orders. The hold writes nothing when it fails.
    // A window with a limit can still refuse after it (a concurrent approval used the rest): only
    // then is a savepoint needed to undo the hold.
    boolean limited =
        charges.stream()
            .flatMap(c -> c.charges().stream())
            .anyMatch(c -> c.amountLimit() != null || c.countLimit() != null);
    if (limited) {
      step.mark();
    }
    HoldResult hold =
        ledger.placeNewHold(
            realm, attempt.authorizationId(), attempt.account().id(), cardAmount, holdExpiry);
    if (!(hold instanceof HoldResult.Done)) {
      long available =
          hold instanceof HoldResult.InsufficientFunds f
              ? f.availableMinor()
              : attempt.account().availableMinor();
      String currency = attempt.account().currency();
      return finalCheckFailed(
          step,
          attempt,
          verdict,
          DeclineReason.INSUFFICIENT_FUNDS,
          "Available "
              + dev.cardos.shared.Currencies.format(Math.max(0, available), currency)
              + ", requested "
              + dev.cardos.shared.Currencies.format(cardAmount, currency));
    }
    Optional<Controls.Refusal> over = controls.consumeAll(charges);
    if (over.isPresent()) {
      step.rollback();
      Scope scope =
          scopes.stream()
              .filter(s -> s.subjectId().equals(over.get().subjectId()))
              .findFirst()
              .orElseThrow();
      return finalCheckFailed(
          step,
          attempt,
          verdict,
          reasonFor(scope, over.get().exceeded()),
          "A concurrent authorization used the remaining limit");
    }
    Authorization a =
        record(
            attempt,
            verdict,
            true,
            "pending",
            null,
            "00",
            verdict.explanation(),
            attempt.authorizationId());
    step.later(
        authorizationRows,
        new JdbcAuthorizations.Row(
            realm,
            a,
            holdExpiry,
            attempt.card().singleUse(),
            attempt.request().sentByKeyId(),
            attempt.request().idScope()));
    step.later(events, new Outbox.Event(realm, EventType.AUTHORIZATION_APPROVED, a.id(), a));
    return a;
  }

  /** The decline an approval becomes when a check under lock fails, written with the batch. */
  private Authorization finalCheckFailed(
      GroupCommit.Step step,
      Attempt attempt,
      Verdict verdict,
      DeclineReason reason,
      String explanation) {
    return deferDecline(
        step,
        attempt.realm(),
        attempt.request().idScope(),
        declineRecord(attempt, new Outcome.Decline(reason, explanation), verdict),
        attempt.request().sentByKeyId());
  }

  /**
   * What a decision's writes lock: a b2c card's rows all belong to its cardholder (the card's own
   * account and usage, the cardholder's usage); a b2b card's account is shared by the business.
   */
  private static String lockKey(String cardholderId, String accountId) {
    return cardholderId != null ? cardholderId : accountId;
  }

  /**
   * The first answer to a repeated message: the same card (none when no card has the number), the
   * same amount and currency. A different message with an id already used gets 409 (over ISO 8583,
   * 94, duplicate transmission), never the earlier message's answer: an id the network reuses (an
   * ISO 8583 id is the acquirer, the date and time without the year, and a trace number that wraps)
   * must not approve a card on another card's approval, with no checks and no hold.
   */
  private static Authorization repeatOf(Authorization earlier, Request request, Card card) {
    return repeatOf(earlier, card, request.amount(), request.currency());
  }

  /**
   * {@code earlier} when a message with its id is that message again: the same card (or the card
   * that replaced it with the same number, renewed since; none when no card has the number), the
   * same amount and currency. Else 409: the id is used by another message.
   */
  static Authorization repeatOf(Authorization earlier, Card card, long amount, String currency) {
    return repeatOf(
        earlier,
        card == null ? null : card.id(),
        card == null ? null : card.replacesCardId(),
        amount,
        currency);
  }

  private static Authorization repeatOf(
      Authorization earlier, String cardId, String renewedFrom, long amount, String currency) {
    boolean sameCard =
        java.util.Objects.equals(earlier.cardId(), cardId)
            || (earlier.cardId() != null && earlier.cardId().equals(renewedFrom));
    if (!sameCard || earlier.amount() != amount || !earlier.currency().equals(currency)) {
      throw idUsedByAnotherMessage();
    }
    return earlier;
  }

  static dev.cardos.shared.Problem idUsedByAnotherMessage() {
    return new dev.cardos.shared.Problem(
        dev.cardos.shared.ProblemCode.REFERENCE_TAKEN,
        "This network_transaction_id is already used by another message",
        List.of(
            new dev.cardos.shared.Problem.FieldError(
                "network_transaction_id", "is already used by another message")));
  }

  /** A level's limits against its own usage. */
  record Scope(
      String subjectId,
      DecisionCore.LimitScope limits,
      Map<Window, String> windowKeys,
      SpendControls controls) {

    List<Controls.Charge> charges(long amount) {
      List<Controls.Charge> charges = new ArrayList<>();
      for (Window window : Window.values()) {
        Long amountLimit = null;
        Long countLimit = null;
        for (SpendControls.WindowLimit l : controls.amountLimits()) {
          if (l.window() == window) {
            amountLimit = l.limit();
          }
        }
        for (SpendControls.WindowLimit l : controls.countLimits()) {
          if (l.window() == window) {
            countLimit = l.limit();
          }
        }
        charges.add(new Controls.Charge(windowKeys.get(window), amount, amountLimit, countLimit));
      }
      return charges;
    }
  }

  /**
   * What a decision reads before it decides: the card, the repeat check with the risk rule's count,
   * the card's account, and its limits' controls and usage. Null when no card has the number.
   */
  private record Gathered(
      Realm realm,
      Card card,
      Program program,
      RoundTrip.Statement<JdbcAuthorizations.Prior> prior,
      RoundTrip.Statement<Optional<Account>> account,
      ScopesRead scopes) {}

  /**
   * Reads what the decision needs, from four modules, in one round trip when this node has seen the
   * card's number before (the card's identity is then known, and its row is read with the rest),
   * else in two: the card by its number, then the rest.
   */
  private Gathered gather(Request request, Instant now, Instant riskSince) {
    if (request.pan() == null) {
      Realm realm = request.realm();
      Card card =
          cards
              .find(realm, request.cardId())
              .orElseThrow(() -> dev.cardos.shared.Problem.notFound("card", request.cardId()));
      return around(request, Cards.Identity.of(realm, card), card, now, riskSince);
    }
    Optional<Cards.Identity> known = cards.knownByPan(request.pan());
    if (known.isPresent()) {
      Gathered gathered = around(request, known.get(), null, now, riskSince);
      if (gathered != null) {
        return gathered;
      }
      // Terminated since this node saw it: another card may have the number now.
    }
    return cards
        .findByPan(request.pan())
        .map(
            found ->
                around(
                    request,
                    Cards.Identity.of(found.realm(), found.card()),
                    found.card(),
                    now,
                    riskSince))
        .orElse(null);
  }

  /**
   * The reads that follow from a card's identity, in one round trip; with the card's row too when
   * {@code card} is null, and then null if that card is no longer in use.
   */
  private Gathered around(
      Request request, Cards.Identity id, Card card, Instant now, Instant riskSince) {
    Program program = programs.find(id.realm().tenantId(), id.programId()).orElseThrow();
    RoundTrip.Statement<JdbcAuthorizations.Prior> prior =
        authorizations.priorRead(
            request.idScope(), request.networkTransactionId(), id.cardId(), riskSince);
    RoundTrip.Statement<Optional<Account>> account = ledger.findRead(id.realm(), id.accountId());
    ScopesRead scopes = scopesRead(id.realm(), id.cardId(), id.cardholderId(), program, now);
    if (card != null) {
      roundTrip.run(List.of(prior, account, scopes.read()));
      return new Gathered(id.realm(), card, program, prior, account, scopes);
    }
    RoundTrip.Statement<Optional<Card>> inUse = cards.inUseRead(id);
    roundTrip.run(List.of(inUse, prior, account, scopes.read()));
    return inUse
        .result()
        .map(current -> new Gathered(id.realm(), current, program, prior, account, scopes))
        .orElse(null);
  }

  /**
   * The card's and cardholder's limit scopes at {@code at}, as an approval charges them: their
   * controls and usage read in one statement.
   */
  List<Scope> scopesFor(Realm realm, Card card, Program program, Instant at) {
    ScopesRead read = scopesRead(realm, card.id(), card.cardholderId(), program, at);
    roundTrip.one(read.read());
    return read.scopes();
  }

  /** {@link #scopesFor} as a read to run with others; {@link ScopesRead#scopes} once it ran. */
  private ScopesRead scopesRead(
      Realm realm, String cardId, String cardholderId, Program program, Instant at) {
    ZoneId zone = ZoneId.of(program.timeZone());
    SpendControls programLevel =
        programControls.get(program.id(), id -> Controls.fromProgram(program.defaultControls()));
    Map<Window, String> keys = new EnumMap<>(Window.class);
    for (Window w : Window.values()) {
      keys.put(w, w.key(at, zone));
    }
    List<String> subjects = cardholderId == null ? List.of(cardId) : List.of(cardId, cardholderId);
    return new ScopesRead(
        cardId,
        cardholderId,
        programLevel,
        keys,
        controls.snapshotRead(realm, subjects, List.copyOf(keys.values())));
  }

  /** The read of a card's limit scopes, and the scopes it gives. */
  private record ScopesRead(
      String cardId,
      String cardholderId,
      SpendControls programLevel,
      Map<Window, String> keys,
      RoundTrip.Statement<Map<String, Controls.Snapshot>> read) {

    List<Scope> scopes() {
      Map<String, Controls.Snapshot> snapshots = read.result();
      List<Scope> scopes = new ArrayList<>();
      Controls.Snapshot cardLevel = snapshots.get(cardId);
      scopes.add(
          scope(
              "card",
              cardId,
              SpendControls.mostRestrictive(List.of(programLevel, cardLevel.controls())),
              keys,
              cardLevel.usage()));
      if (cardholderId != null) {
        Controls.Snapshot holder = snapshots.get(cardholderId);
        scopes.add(scope("cardholder", cardholderId, holder.controls(), keys, holder.usage()));
      }
      return scopes;
    }
  }

  private static Scope scope(
      String label,
      String subjectId,
      SpendControls c,
      Map<Window, String> keys,
      Map<String, Controls.Used> usage) {
    return new Scope(subjectId, new DecisionCore.LimitScope(label, c, keys, usage), keys, c);
  }

  /** Which limit refused a charge: the amount, or the count, of its window. */
  DeclineReason reasonFor(Scope scope, Controls.Exceeded over) {
    if (over.amountOver()) {
      for (Map.Entry<Window, String> e : scope.windowKeys().entrySet()) {
        if (e.getValue().equals(over.charge().windowKey())) {
          return DecisionCore.windowReason(e.getKey());
        }
      }
    }
    return DeclineReason.VELOCITY_COUNT_EXCEEDED;
  }

  private DecisionCore.Conversion convert(Request request, Account account, Program program) {
    if (request.currency().equals(account.currency())) {
      return new DecisionCore.Conversion(request.amount(), null);
    }
    return rates
        .charge(request.amount(), request.currency(), account.currency(), program.fxMarkupBps())
        .map(c -> new DecisionCore.Conversion(c.amountMinor(), c.effectiveRate()))
        .orElse(null);
  }

  /** The webhook's part of the decision. */
  record Verdict(
      boolean approve,
      DeclineReason reason,
      String explanation,
      String source,
      Integer latencyMs,
      String tenantReason,
      Map<String, Object> metadata) {}

  private Verdict askTenant(
      Program program,
      Card card,
      Account account,
      Request request,
      DecisionCore.Conversion conversion,
      String authorizationId,
      long arrivalNanos,
      SpendControls appliedControls) {
    if (program.webhookUrl() == null || program.webhookSecretKeyId() == null) {
      return new Verdict(true, null, "Approved", "internal", null, null, null);
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", "authorization.request");
    payload.put("authorization_id", authorizationId);
    payload.put("card_id", card.id());
    payload.put("last4", card.last4());
    payload.put("cardholder_id", card.cardholderId());
    payload.put("card_reference", card.reference());
    payload.put("card_metadata", card.metadata());
    payload.put("merchant", request.merchant());
    payload.put("channel", request.channel().wire());
    payload.put("amount", request.amount());
    payload.put("currency", request.currency());
    payload.put("card_amount", conversion.cardAmount());
    payload.put("card_currency", account.currency());
    payload.put("fx_rate", conversion.rate() == null ? null : conversion.rate().toPlainString());
    payload.put(
        "balances",
        Map.of(
            "ledger",
            account.ledgerMinor(),
            "held",
            account.heldMinor(),
            "available",
            account.availableMinor()));
    payload.put("controls", appliedControls);
    long deadline = arrivalNanos + Duration.ofMillis(program.webhookBudgetMs()).toNanos();
    DecisionWebhooks.Answer answer =
        webhooks.ask(
            program.webhookUrl(),
            keys.material(program.webhookSecretKeyId()),
            "msg_" + authorizationId,
            payload,
            deadline);
    boolean standInApproves = "approve".equals(program.webhookStandIn());
    return switch (answer) {
      case DecisionWebhooks.Answer.Approved a ->
          new Verdict(
              true,
              null,
              "Approved by the tenant's decision webhook",
              "webhook",
              a.latencyMs(),
              a.reason(),
              a.metadata());
      case DecisionWebhooks.Answer.Declined d ->
          new Verdict(
              false,
              DeclineReason.WEBHOOK_DECLINED,
              "The tenant's decision webhook declined"
                  + (d.reason() == null ? "" : ": " + d.reason()),
              "webhook",
              d.latencyMs(),
              d.reason(),
              d.metadata());
      case DecisionWebhooks.Answer.TimedOut t ->
          standInApproves
              ? new Verdict(
                  true,
                  null,
                  "Approved by stand-in: the decision webhook did not answer within "
                      + program.webhookBudgetMs()
                      + " ms",
                  "stand_in",
                  t.latencyMs(),
                  null,
                  null)
              : new Verdict(
                  false,
                  DeclineReason.WEBHOOK_TIMEOUT,
                  "The decision webhook did not answer within "
                      + program.webhookBudgetMs()
                      + " ms; stand-in declines",
                  "stand_in",
                  t.latencyMs(),
                  null,
                  null);
      case DecisionWebhooks.Answer.Failed f ->
          standInApproves
              ? new Verdict(
                  true,
                  null,
                  "Approved by stand-in: the decision webhook failed (" + f.why() + ")",
                  "stand_in",
                  f.latencyMs(),
                  null,
                  null)
              : new Verdict(
                  false,
                  DeclineReason.WEBHOOK_ERROR,
                  "The decision webhook failed (" + f.why() + "); stand-in declines",
                  "stand_in",
                  f.latencyMs(),
                  null,
                  null);
    };
  }

  /**
   * One authorization being decided: what is known of it so far. Card and account are null when no
   * card has the number; the conversion is null until the currency is converted.
   */
  private record Attempt(
      Realm realm,
      Card card,
      Account account,
      Request request,
      long arrivalNanos,
      DecisionCore.Conversion conversion,
      String authorizationId) {}

  /** Stores a decline; {@code verdict} null means the internal checks decided. */
  private Authorization decline(Attempt attempt, Outcome.Decline declined, Verdict verdict) {
    return store(
        attempt.realm(),
        attempt.request().idScope(),
        declineRecord(attempt, declined, verdict),
        attempt.request().sentByKeyId());
  }

  private Authorization declineRecord(Attempt attempt, Outcome.Decline declined, Verdict verdict) {
    return record(
        attempt,
        verdict != null
            ? verdict
            : new Verdict(
                false, declined.reason(), declined.explanation(), "internal", null, null, null),
        false,
        "declined",
        declined.reason().wire(),
        declined.reason().responseCode(),
        declined.explanation(),
        null);
  }

  /**
   * Stores a decline (and its event, when the card is known) in the next group commit; a repeated
   * network transaction id returns the first answer instead.
   */
  Authorization store(Realm realm, String idScope, Authorization declined, String sentByKeyId) {
    Authorization stored;
    try {
      stored =
          writer.write(
              lockKey(declined.cardholderId(), declined.accountId()),
              step -> deferDecline(step, realm, idScope, declined, sentByKeyId));
    } catch (org.springframework.dao.DuplicateKeyException repeated) {
      // The same message arrived twice at once: the first answer stands (within its namespace, so
      // only ever one of the same sender's), if it was the same message.
      return repeatOf(
          authorizations
              .byNetworkTransactionId(idScope, declined.networkTransactionId())
              .orElseThrow(),
          declined.cardId(),
          null,
          declined.amount(),
          declined.currency());
    }
    count(stored);
    return stored;
  }

  /** Writes a decline and, when the card is known, its event, with the rest of the batch. */
  private Authorization deferDecline(
      GroupCommit.Step step,
      Realm realm,
      String idScope,
      Authorization declined,
      String sentByKeyId) {
    step.later(
        authorizationRows,
        new JdbcAuthorizations.Row(realm, declined, null, false, sentByKeyId, idScope));
    if (realm != null) {
      step.later(
          events,
          new Outbox.Event(realm, EventType.AUTHORIZATION_DECLINED, declined.id(), declined));
    }
    return declined;
  }

  private Authorization record(
      Attempt attempt,
      Verdict verdict,
      boolean approved,
      String status,
      String reason,
      String code,
      String explanation,
      String holdId) {
    Realm realm = attempt.realm();
    Card card = attempt.card();
    Account account = attempt.account();
    Request request = attempt.request();
    DecisionCore.Conversion conversion = attempt.conversion();
    Map<String, String> merchant = new LinkedHashMap<>();
    merchant.put("id", request.merchant().id());
    merchant.put("name", request.merchant().name());
    merchant.put("mcc", request.merchant().mcc());
    merchant.put("city", request.merchant().city());
    merchant.put("country", request.merchant().country());
    return new Authorization(
        attempt.authorizationId(),
        realm != null && realm.live(),
        card == null ? null : card.id(),
        card == null ? null : card.cardholderId(),
        account == null ? null : account.id(),
        request.networkTransactionId(),
        request.amount(),
        request.currency(),
        conversion == null ? null : conversion.cardAmount(),
        account == null ? null : account.currency(),
        conversion == null || conversion.rate() == null ? null : conversion.rate().toPlainString(),
        merchant,
        request.channel().wire(),
        approved,
        status,
        reason,
        code,
        explanation,
        verdict == null ? "internal" : verdict.source(),
        verdict == null ? null : verdict.latencyMs(),
        verdict == null ? null : verdict.tenantReason(),
        verdict == null ? null : verdict.metadata(),
        holdId,
        (int) ((System.nanoTime() - attempt.arrivalNanos()) / 1_000_000),
        approved && conversion != null ? conversion.cardAmount() : 0,
        0,
        0,
        Timestamps.now(clock));
  }

  private void count(Authorization a) {
    metrics
        .counter(
            "cardos.authorizations",
            "approved",
            Boolean.toString(a.approved()),
            "reason",
            a.declineReason() == null ? "none" : a.declineReason())
        .increment();
  }
}
