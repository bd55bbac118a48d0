package dev.cardos.cards.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cardos.cardholders.Cardholder;
import dev.cardos.cardholders.Cardholders;
import dev.cardos.cards.Card;
import dev.cardos.cards.CardAction;
import dev.cardos.cards.CardLifecycle;
import dev.cardos.cards.CardSecurity.PinBlockFormat;
import dev.cardos.cards.CardStatus;
import dev.cardos.cards.Pan;
import dev.cardos.cards.internal.crypto.Luhn;
import dev.cardos.events.EventType;
import dev.cardos.events.Outbox;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Ledger;
import dev.cardos.ledger.Leg;
import dev.cardos.ledger.PostingRequest;
import dev.cardos.ledger.PostingResult;
import dev.cardos.programs.BinRange;
import dev.cardos.programs.CardForm;
import dev.cardos.programs.Program;
import dev.cardos.programs.ProgramKind;
import dev.cardos.programs.Programs;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues cards and moves them through their lifecycle. Every change checks {@link CardLifecycle}
 * first, records who did it and why in {@code card_transitions}, and appends its event in the same
 * transaction.
 */
@Service
@Transactional
class CardService implements dev.cardos.cards.CardTermination {

  static final String ID_PREFIX = "card_";
  private static final int PAN_ATTEMPTS_MAX = 20;
  private static final int ACTIVATION_CODE_DIGITS = 8;

  private final JdbcCards cards;
  private final CardVault vault;
  private final CardSecurityService security;
  private final Programs programs;
  private final Cardholders cardholders;
  private final Ledger ledger;
  private final Outbox outbox;
  private final Ids ids;
  private final Clock clock;
  private final org.springframework.jdbc.core.simple.JdbcClient jdbc;
  private final dev.cardos.controls.Controls controls;
  private final SecureRandom random = new SecureRandom();

  CardService(
      JdbcCards cards,
      CardVault vault,
      CardSecurityService security,
      Programs programs,
      Cardholders cardholders,
      Ledger ledger,
      Outbox outbox,
      Ids ids,
      Clock clock,
      org.springframework.jdbc.core.simple.JdbcClient jdbc,
      dev.cardos.controls.Controls controls) {
    this.cards = cards;
    this.vault = vault;
    this.security = security;
    this.programs = programs;
    this.cardholders = cardholders;
    this.ledger = ledger;
    this.outbox = outbox;
    this.ids = ids;
    this.clock = clock;
    this.jdbc = jdbc;
    this.controls = controls;
  }

  /** Full card details, shown once or on demand as the program allows. Never stored. */
  record Sensitive(String pan, String cvv2, int expMonth, int expYear) {
    @Override
    public String toString() {
      return "Sensitive[hidden]";
    }
  }

  /** A new card, with its details when the program reveals them at creation. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Issued(Card card, Sensitive sensitive, String activationCode) {}

  /** What a tenant asks for when issuing. */
  record IssueRequest(
      String programId,
      String cardholderId,
      CardForm form,
      String label,
      String reference,
      Map<String, String> metadata,
      boolean singleUse,
      Card.Shipping shippingAddress) {}

  Issued issue(Realm realm, IssueRequest request, String actor) {
    Program program =
        programs
            .find(realm.tenantId(), request.programId())
            .filter(Program::enabled)
            .orElseThrow(() -> Problem.notFound("program", request.programId()));
    BinRange range = programs.binRange(program.binRangeId()).orElseThrow();
    if (!range.forms().contains(request.form())) {
      throw Problem.invalidField(
          "form", "the program's BIN range issues " + range.forms() + " cards");
    }
    Cardholder cardholder = null;
    if (request.cardholderId() != null) {
      cardholder =
          cardholders
              .find(realm, request.cardholderId())
              .orElseThrow(() -> Problem.notFound("cardholder", request.cardholderId()));
      if (!cardholder.verified()) {
        throw new Problem(
            ProblemCode.CARDHOLDER_NOT_VERIFIED,
            "The cardholder's kyc_status is " + cardholder.kycStatus().wire() + ", not verified");
      }
    } else if (program.kind() == ProgramKind.B2C) {
      throw Problem.invalidField("cardholder_id", "is required for a b2c program");
    }
    if (cardholder != null
        && program.maxCardsPerCardholder() != null
        && cards.liveCardsOf(cardholder.id(), program.id()) >= program.maxCardsPerCardholder()) {
      throw new Problem(
          ProblemCode.CARD_LIMIT_REACHED,
          "The program allows " + program.maxCardsPerCardholder() + " cards per cardholder");
    }
    if (request.reference() != null && cards.referenceInUse(realm, request.reference())) {
      throw new Problem(
          ProblemCode.REFERENCE_TAKEN,
          "Another card already has the reference " + request.reference(),
          List.of(new Problem.FieldError("reference", "is already used")));
    }
    Card.Shipping shipping = null;
    if (request.form() == CardForm.PHYSICAL) {
      shipping = shippingFor(request.shippingAddress(), cardholder);
    }
    String accountId =
        switch (program.kind()) {
          case B2C ->
              ledger
                  .open(
                      realm,
                      new Ledger.NewAccount(
                          AccountKind.CARD, program.currency(), cardholder.id(), null, Map.of()))
                  .id();
          case B2B -> fundingAccount(realm, program.currency()).id();
        };
    String cardId = ids.next(ID_PREFIX);
    chargeIssuanceFee(realm, program, request.form(), cardholder, cardId);
    Pan pan = newPan(range);
    YearMonth expiry = expiryFor(program);
    CardStatus status = request.form() == CardForm.VIRTUAL ? CardStatus.ACTIVE : CardStatus.PENDING;
    String activationCode = request.form() == CardForm.PHYSICAL ? activationCode() : null;
    Card card =
        new Card(
            cardId,
            realm.live(),
            program.id(),
            cardholder == null ? null : cardholder.id(),
            accountId,
            request.form(),
            status,
            range.network().wire(),
            pan.last4(),
            expiry.getMonthValue(),
            expiry.getYear(),
            request.label(),
            request.reference(),
            request.metadata(),
            request.singleUse(),
            false,
            false,
            shipping,
            null,
            null,
            Timestamps.now(clock),
            Timestamps.now(clock));
    store(realm, card, pan, activationCode);
    record(cardId, "create", null, status, null, actor);
    outbox.append(realm, EventType.CARD_CREATED, cardId, card);
    Sensitive sensitive =
        switch (program.revealPolicy()) {
          case ONCE -> sensitive(range, pan, expiry);
          case ON_DEMAND -> null;
        };
    return new Issued(card, sensitive, activationCode);
  }

  /** Applies a status change that needs nothing but the state machine. */
  Card change(Realm realm, String cardId, CardAction action, String reason, String actor) {
    JdbcCards.CardRow row = lock(realm, cardId);
    Card card = row.card();
    CardStatus to = allowed(card, action);
    if (action == CardAction.TERMINATE) {
      returnBalance(realm, card);
    }
    Instant now = Timestamps.now(clock);
    cards.updateStatus(cardId, to, action == CardAction.BLOCK ? reason : null, now);
    record(cardId, action.wire(), card.status(), to, reason, actor);
    Card changed = cards.find(realm, cardId).orElseThrow();
    outbox.append(realm, eventFor(action), cardId, changed);
    return changed;
  }

  Card activate(
      Realm realm,
      String cardId,
      String last4,
      Integer expMonth,
      Integer expYear,
      String activationCode,
      String actor) {
    JdbcCards.CardRow row = lock(realm, cardId);
    allowed(row.card(), CardAction.ACTIVATE);
    boolean byDetails =
        last4 != null
            && expMonth != null
            && expYear != null
            && last4.equals(row.card().last4())
            && expMonth == row.card().expMonth()
            && expYear == row.card().expYear();
    boolean byCode =
        activationCode != null
            && row.activationCodeHash() != null
            && MessageDigest.isEqual(sha256(activationCode), row.activationCodeHash());
    if (!byDetails && !byCode) {
      throw new Problem(
          ProblemCode.ACTIVATION_FAILED,
          "Give the card's last four digits with its expiry month and year, or its activation"
              + " code");
    }
    return change(
        realm, cardId, CardAction.ACTIVATE, byCode ? "activation_code" : "card_details", actor);
  }

  /** The three kinds of reissue: same number and new expiry, same number, or a new number. */
  enum ReissueKind {
    RENEW,
    REISSUE,
    REPLACE
  }

  Issued reissue(Realm realm, String cardId, ReissueKind kind, String actor) {
    JdbcCards.CardRow row = lock(realm, cardId);
    Card old = row.card();
    allowed(old, CardAction.REISSUE);
    if (old.status() == CardStatus.BLOCKED
        && List.of("lost", "stolen", "fraud").contains(old.blockReason())
        && kind != ReissueKind.REPLACE) {
      throw new Problem(
          ProblemCode.CARD_STATE_CONFLICT,
          "The card is blocked as "
              + old.blockReason()
              + ": only a replace (new number) is allowed");
    }
    Program program = programs.find(realm.tenantId(), old.programId()).orElseThrow();
    BinRange range = programs.binRange(program.binRangeId()).orElseThrow();
    Pan oldPan = vault.open(cardId, row.panCiphertext(), row.panKeyId());
    Instant now = Timestamps.now(clock);
    // The old card gives up its number first: a number belongs to one card in use at a time.
    cards.updateStatus(cardId, CardStatus.TERMINATED, null, now);
    record(
        cardId, "reissue", old.status(), CardStatus.TERMINATED, kind.name().toLowerCase(), actor);
    Pan pan = kind == ReissueKind.REPLACE ? newPan(range) : oldPan;
    YearMonth oldExpiry = YearMonth.of(old.expYear(), old.expMonth());
    // A reissue keeps the expiry printed on the card, unless that has passed.
    YearMonth expiry =
        kind == ReissueKind.REISSUE
                && !oldExpiry.isBefore(YearMonth.from(clock.instant().atZone(ZoneOffset.UTC)))
            ? oldExpiry
            : expiryFor(program);
    String newId = ids.next(ID_PREFIX);
    CardStatus status = old.form() == CardForm.VIRTUAL ? CardStatus.ACTIVE : CardStatus.PENDING;
    String activationCode = old.form() == CardForm.PHYSICAL ? activationCode() : null;
    Card.Shipping shipping =
        old.shipping() == null
            ? null
            : new Card.Shipping(
                "created",
                old.shipping().name(),
                old.shipping().line1(),
                old.shipping().line2(),
                old.shipping().city(),
                old.shipping().state(),
                old.shipping().postalCode(),
                old.shipping().country(),
                null,
                null);
    Card card =
        new Card(
            newId,
            realm.live(),
            old.programId(),
            old.cardholderId(),
            old.accountId(),
            old.form(),
            status,
            old.network(),
            pan.last4(),
            expiry.getMonthValue(),
            expiry.getYear(),
            old.label(),
            old.reference(),
            old.metadata(),
            old.singleUse(),
            false,
            false,
            shipping,
            null,
            cardId,
            now,
            now);
    store(realm, card, pan, activationCode);
    controls.copy(realm, cardId, newId);
    record(newId, "create", null, status, kind.name().toLowerCase() + " of " + cardId, actor);
    outbox.append(
        realm,
        EventType.CARD_REISSUED,
        newId,
        Map.of("card", card, "replaces_card_id", cardId, "kind", kind.name().toLowerCase()));
    Sensitive sensitive =
        switch (program.revealPolicy()) {
          case ONCE -> sensitive(range, pan, expiry);
          case ON_DEMAND -> null;
        };
    return new Issued(card, sensitive, activationCode);
  }

  Sensitive reveal(Realm realm, String cardId) {
    JdbcCards.CardRow row =
        cards.row(realm, cardId, false).orElseThrow(() -> Problem.notFound("card", cardId));
    Program program = programs.find(realm.tenantId(), row.card().programId()).orElseThrow();
    if (program.revealPolicy() != dev.cardos.programs.RevealPolicy.ON_DEMAND) {
      throw new Problem(
          ProblemCode.REVEAL_NOT_ALLOWED,
          "The program reveals card details only once, when the card is created");
    }
    if (row.card().status() == CardStatus.TERMINATED) {
      throw stateConflict(row.card(), "reveal");
    }
    BinRange range = programs.binRange(program.binRangeId()).orElseThrow();
    Pan pan = vault.open(cardId, row.panCiphertext(), row.panKeyId());
    return sensitive(range, pan, YearMonth.of(row.card().expYear(), row.card().expMonth()));
  }

  Card setPin(Realm realm, String cardId, PinBlockFormat format, byte[] block, String actor) {
    JdbcCards.CardRow row = lock(realm, cardId);
    if (row.card().status() == CardStatus.TERMINATED) {
      throw stateConflict(row.card(), "set the PIN of");
    }
    BinRange range = security.binRange(realm, row);
    Pan pan = vault.open(cardId, row.panCiphertext(), row.panKeyId());
    String pin;
    try {
      pin = security.pinFrom(range, pan, format, block);
    } catch (IllegalArgumentException e) {
      throw new Problem(
          ProblemCode.INVALID_PIN_BLOCK,
          "The PIN block is not a valid " + format + " block for this card");
    }
    if (pin.length() != 4) {
      throw new Problem(ProblemCode.INVALID_PIN_BLOCK, "The PIN must have 4 digits");
    }
    Instant now = Timestamps.now(clock);
    cards.updatePin(cardId, security.pvv(range, pan, pin), CardSecurityService.PVKI, now);
    record(cardId, "set_pin", row.card().status(), row.card().status(), null, actor);
    Card changed = cards.find(realm, cardId).orElseThrow();
    outbox.append(realm, EventType.CARD_PIN_CHANGED, cardId, changed);
    return changed;
  }

  /** Test mode: the PIN block a terminal would send for this card. */
  byte[] simulatePinBlock(Realm realm, String cardId, PinBlockFormat format, String pin) {
    JdbcCards.CardRow row =
        cards.row(realm, cardId, false).orElseThrow(() -> Problem.notFound("card", cardId));
    BinRange range = security.binRange(realm, row);
    Pan pan = vault.open(cardId, row.panCiphertext(), row.panKeyId());
    return security.pinBlock(range, pan, format, pin);
  }

  Card ship(Realm realm, String cardId, boolean delivered, String actor) {
    JdbcCards.CardRow row = lock(realm, cardId);
    Card card = row.card();
    if (card.form() != CardForm.PHYSICAL || card.shipping() == null) {
      throw Problem.invalidField("card", "only a physical card is shipped");
    }
    String from = card.shipping().status();
    String to = delivered ? "delivered" : "shipped";
    boolean allowed = delivered ? "shipped".equals(from) : "created".equals(from);
    if (!allowed) {
      throw new Problem(
          ProblemCode.CARD_STATE_CONFLICT,
          "The card's shipping status is " + from + ": it cannot become " + to);
    }
    Instant now = Timestamps.now(clock);
    Card.Shipping s = card.shipping();
    cards.updateShipping(
        cardId,
        new Card.Shipping(
            to,
            s.name(),
            s.line1(),
            s.line2(),
            s.city(),
            s.state(),
            s.postalCode(),
            s.country(),
            delivered ? s.shippedAt() : now,
            delivered ? now : null),
        now);
    record(cardId, to, card.status(), card.status(), "shipping " + from + " -> " + to, actor);
    Card changed = cards.find(realm, cardId).orElseThrow();
    if (!delivered) {
      outbox.append(realm, EventType.CARD_SHIPPED, cardId, changed);
    }
    return changed;
  }

  Card update(Realm realm, String cardId, String label, Map<String, String> metadata) {
    Card card = lock(realm, cardId).card();
    cards.updateLabelAndMetadata(
        cardId,
        label == null ? card.label() : label,
        dev.cardos.shared.Metadata.merged(card.metadata(), metadata, "metadata"),
        Timestamps.now(clock));
    return cards.find(realm, cardId).orElseThrow();
  }

  /** A movement between the card's own balance and the cardholder's wallet. */
  record Movement(
      String id,
      String cardId,
      String fromAccountId,
      String toAccountId,
      long amount,
      String currency,
      String postingId,
      Instant createdAt) {}

  Movement fund(
      Realm realm, String cardId, long amount, String currency, String walletId, boolean toCard) {
    Card card = lock(realm, cardId).card();
    // Money can still reach a terminated card after its balance went back to the wallet (a
    // merchant's refund, a released hold, a dispute's credit): withdrawing it stays possible.
    if (card.status() == CardStatus.TERMINATED && toCard) {
      throw stateConflict(card, "fund");
    }
    Account cardAccount = ledger.find(realm, card.accountId()).orElseThrow();
    if (cardAccount.kind() != AccountKind.CARD) {
      throw new Problem(
          ProblemCode.CARD_STATE_CONFLICT,
          "The card draws on the business's funding account and has no balance of its own");
    }
    if (!cardAccount.currency().equals(currency)) {
      throw new Problem(
          ProblemCode.CURRENCY_MISMATCH,
          "The card's balance is in " + cardAccount.currency(),
          List.of(new Problem.FieldError("currency", "must be " + cardAccount.currency())));
    }
    Account wallet =
        walletId != null
            ? ledger
                .find(realm, walletId)
                .filter(a -> a.kind() == AccountKind.WALLET)
                .filter(a -> a.cardholderId().equals(card.cardholderId()))
                .orElseThrow(() -> Problem.notFound("wallet of the card's cardholder", walletId))
            : walletOf(realm, card.cardholderId(), currency);
    if (!wallet.currency().equals(currency)) {
      throw Problem.invalidField("wallet_id", "must be a " + currency + " wallet");
    }
    String from = toCard ? wallet.id() : cardAccount.id();
    String to = toCard ? cardAccount.id() : wallet.id();
    String movementId = ids.next(toCard ? "fnd_" : "wdr_");
    PostingResult result =
        ledger.post(
            realm,
            new PostingRequest(
                toCard ? "card_funding" : "card_withdrawal",
                null,
                movementId,
                List.of(Leg.debit(from, amount), Leg.credit(to, amount))));
    String postingId =
        switch (result) {
          case PostingResult.Posted posted -> posted.postingId();
          case PostingResult.InsufficientFunds refused ->
              throw new Problem(
                  ProblemCode.INSUFFICIENT_FUNDS,
                  "The "
                      + (toCard ? "wallet" : "card")
                      + " has "
                      + refused.availableMinor()
                      + " available, "
                      + amount
                      + " needed");
        };
    Movement movement =
        new Movement(
            movementId, cardId, from, to, amount, currency, postingId, Timestamps.now(clock));
    outbox.append(
        realm, toCard ? EventType.CARD_FUNDED : EventType.CARD_WITHDRAWN, cardId, movement);
    outbox.append(
        realm,
        toCard ? EventType.WALLET_DEBITED : EventType.WALLET_CREDITED,
        wallet.id(),
        movement);
    return movement;
  }

  @Override
  public void terminate(Realm realm, String cardId, String reason) {
    Card card = lock(realm, cardId).card();
    if (card.status() != CardStatus.TERMINATED) {
      change(realm, cardId, CardAction.TERMINATE, reason, "system");
    }
  }

  /** Expires one card whose expiry month has ended, renewing it if its program says so. */
  void expire(Realm realm, String cardId) {
    Card card = change(realm, cardId, CardAction.EXPIRE, "expiry date passed", "system");
    Program program = programs.find(realm.tenantId(), card.programId()).orElseThrow();
    if (program.renewOnExpiry() && program.enabled()) {
      reissue(realm, cardId, ReissueKind.RENEW, "system");
    }
  }

  // ------------------------------------------------------------------ helpers

  private JdbcCards.CardRow lock(Realm realm, String cardId) {
    return cards.row(realm, cardId, true).orElseThrow(() -> Problem.notFound("card", cardId));
  }

  private static CardStatus allowed(Card card, CardAction action) {
    return switch (CardLifecycle.apply(card.status(), action)) {
      case CardLifecycle.Transition.Allowed allowed -> allowed.to();
      case CardLifecycle.Transition.Refused refused -> throw stateConflict(card, action.wire());
    };
  }

  private static Problem stateConflict(Card card, String action) {
    return new Problem(
        ProblemCode.CARD_STATE_CONFLICT,
        "The card is " + card.status().wire() + ": it cannot " + action.replace('_', ' '));
  }

  private static EventType eventFor(CardAction action) {
    return switch (action) {
      case ACTIVATE, APPROVE -> EventType.CARD_ACTIVATED;
      case FREEZE -> EventType.CARD_FROZEN;
      case UNFREEZE -> EventType.CARD_UNFROZEN;
      case BLOCK -> EventType.CARD_BLOCKED;
      case TERMINATE, REJECT -> EventType.CARD_TERMINATED;
      case EXPIRE -> EventType.CARD_EXPIRED;
      case REISSUE -> EventType.CARD_REISSUED;
    };
  }

  private void store(Realm realm, Card card, Pan pan, String activationCode) {
    CardVault.Sealed sealed = vault.seal(card.id(), pan);
    cards.insert(
        realm,
        new JdbcCards.CardRow(
            card,
            sealed.ciphertext(),
            sealed.keyId(),
            null,
            null,
            0,
            activationCode == null ? null : sha256(activationCode)),
        vault.lookupHash(pan));
  }

  private void record(
      String cardId, String action, CardStatus from, CardStatus to, String reason, String actor) {
    jdbc.sql(
            """
            INSERT INTO card_transitions (id, card_id, action, from_status, to_status, reason,
                                          actor, created_at)
            VALUES (:id, :card, :action, :from, :to, :reason, :actor, :at)
            """)
        .param("id", ids.next("ctr_"))
        .param("card", cardId)
        .param("action", action)
        .param("from", from == null ? null : from.wire())
        .param("to", to.wire())
        .param("reason", reason)
        .param("actor", actor)
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .update();
  }

  /** BIN + random account digits + Luhn check digit, not in use by another card. */
  private Pan newPan(BinRange range) {
    int accountDigits = range.panLength() - range.bin().length() - 1;
    for (int attempt = 0; attempt < PAN_ATTEMPTS_MAX; attempt++) {
      StringBuilder digits = new StringBuilder(range.bin());
      for (int i = 0; i < accountDigits; i++) {
        digits.append(random.nextInt(10));
      }
      digits.append(Luhn.checkDigit(digits.toString()));
      Pan pan = new Pan(digits.toString());
      if (!cards.panInUse(vault.lookupHash(pan))) {
        return pan;
      }
    }
    throw new IllegalStateException("BIN range " + range.id() + " is nearly exhausted");
  }

  private YearMonth expiryFor(Program program) {
    return YearMonth.from(clock.instant().atZone(ZoneOffset.UTC))
        .plusMonths(program.validityMonths());
  }

  private Sensitive sensitive(BinRange range, Pan pan, YearMonth expiry) {
    return new Sensitive(
        pan.digits(),
        security.cvv2(range, pan, expiry.getMonthValue(), expiry.getYear()),
        expiry.getMonthValue(),
        expiry.getYear());
  }

  private String activationCode() {
    StringBuilder code = new StringBuilder(ACTIVATION_CODE_DIGITS);
    for (int i = 0; i < ACTIVATION_CODE_DIGITS; i++) {
      code.append(random.nextInt(10));
    }
    return code.toString();
  }

  private static Card.Shipping shippingFor(Card.Shipping given, Cardholder cardholder) {
    if (given != null) {
      return new Card.Shipping(
          "created",
          given.name(),
          given.line1(),
          given.line2(),
          given.city(),
          given.state(),
          given.postalCode(),
          given.country(),
          null,
          null);
    }
    if (cardholder == null) {
      throw Problem.invalidField(
          "shipping", "is required for a physical card without a cardholder");
    }
    Cardholder.Address a = cardholder.billingAddress();
    return new Card.Shipping(
        "created",
        cardholder.firstName() + " " + cardholder.lastName(),
        a.line1(),
        a.line2(),
        a.city(),
        a.state(),
        a.postalCode(),
        a.country(),
        null,
        null);
  }

  private Account fundingAccount(Realm realm, String currency) {
    return ledger.fundingOrWallet(realm, currency, null);
  }

  private Account walletOf(Realm realm, String cardholderId, String currency) {
    return ledger.fundingOrWallet(realm, currency, cardholderId);
  }

  private void chargeIssuanceFee(
      Realm realm, Program program, CardForm form, Cardholder cardholder, String cardId) {
    long fee = program.issuanceFee(form);
    if (fee == 0) {
      return;
    }
    Account source =
        switch (program.kind()) {
          case B2C -> walletOf(realm, cardholder.id(), program.currency());
          case B2B -> fundingAccount(realm, program.currency());
        };
    Account revenue = ledger.systemAccount(realm, AccountKind.FEE_REVENUE, program.currency());
    PostingResult result =
        ledger.post(
            realm,
            new PostingRequest(
                "issuance_fee",
                form.wire() + " card issuance fee",
                cardId,
                List.of(Leg.debit(source.id(), fee), Leg.credit(revenue.id(), fee))));
    if (result instanceof PostingResult.InsufficientFunds refused) {
      throw new Problem(
          ProblemCode.INSUFFICIENT_FUNDS,
          "The issuance fee of "
              + fee
              + " needs funds in account "
              + source.id()
              + ", which has "
              + refused.availableMinor()
              + " available");
    }
  }

  /** Moves what is available on a b2c card's own balance back to the cardholder's wallet. */
  private void returnBalance(Realm realm, Card card) {
    Account account = ledger.find(realm, card.accountId()).orElseThrow();
    if (account.kind() != AccountKind.CARD || account.availableMinor() <= 0) {
      return;
    }
    Account wallet = walletOf(realm, card.cardholderId(), account.currency());
    long amount = account.availableMinor();
    PostingResult result =
        ledger.post(
            realm,
            new PostingRequest(
                "card_termination",
                "Remaining card balance returned",
                card.id(),
                List.of(Leg.debit(account.id(), amount), Leg.credit(wallet.id(), amount))));
    if (result instanceof PostingResult.InsufficientFunds) {
      throw new IllegalStateException("an available balance could not be moved: " + card.id());
    }
    outbox.append(
        realm,
        EventType.WALLET_CREDITED,
        wallet.id(),
        Map.of("card_id", card.id(), "amount", amount, "currency", account.currency()));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().withUpperCase().formatHex(bytes);
  }
}
