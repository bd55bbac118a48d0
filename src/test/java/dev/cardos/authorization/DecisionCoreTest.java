package dev.cardos.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.authorization.DecisionCore.CardState;
import dev.cardos.authorization.DecisionCore.Conversion;
import dev.cardos.authorization.DecisionCore.Inputs;
import dev.cardos.authorization.DecisionCore.LimitScope;
import dev.cardos.authorization.DecisionCore.Merchant;
import dev.cardos.authorization.DecisionCore.Outcome;
import dev.cardos.authorization.DecisionCore.Request;
import dev.cardos.authorization.DecisionCore.ThreeDs;
import dev.cardos.authorization.DecisionCore.Verification;
import dev.cardos.cards.CardSecurity.PinCheck;
import dev.cardos.cards.CardStatus;
import dev.cardos.controls.Channel;
import dev.cardos.controls.Controls.Used;
import dev.cardos.controls.SpendControls;
import dev.cardos.controls.Window;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pure decision core, table by table: every decline reason checks 1 to 14 can give, with its
 * DE39 code; the SPEC §5 order when several checks fail at once; the explanations naming the values
 * compared; the spending windows in a program's time zone; and the most restrictive merge of the
 * three levels of controls.
 */
class DecisionCoreTest {

  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  // ------------------------------------------------------------------ a passing baseline

  /** Inputs that pass every check; each table row breaks them in its own way. */
  static final class Case {
    long amount = 2_500;
    String currency = "USD";
    String merchantId = "m_grocer";
    String mcc = "5411";
    String country = "US";
    Channel channel = Channel.POS;
    String expiry = null;
    ThreeDs threeDs = ThreeDs.NOT_ATTEMPTED;
    CardStatus status = CardStatus.ACTIVE;
    boolean cardExists = true;
    String accountCurrency = "USD";
    boolean threeDsRequired = true;
    Boolean cvvMatches = null;
    PinCheck pin = null;
    boolean convertible = true;
    Long cardAmount = null;
    BigDecimal rate = null;
    List<SpendControls> levels = new ArrayList<>();
    SpendControls cardLimits = SpendControls.NONE;
    SpendControls cardholderLimits = null;
    Map<Window, Used> cardUsage = new EnumMap<>(Window.class);
    Map<Window, Used> cardholderUsage = new EnumMap<>(Window.class);

    /** Usage of the card in windows other than the current ones (yesterday, last week...). */
    Map<String, Used> otherCardUsage = new HashMap<>();

    long available = 100_000;
    int recentDeclines = 0;

    Case with(UnaryOperator<Case> change) {
      return change.apply(this);
    }

    Inputs inputs() {
      Request request =
          new Request(
              amount,
              currency,
              new Merchant(merchantId, "Corner Shop", mcc, "Austin", country),
              channel,
              expiry,
              threeDs);
      CardState cardState =
          cardExists ? new CardState(status, 12, 2028, accountCurrency, threeDsRequired) : null;
      List<SpendControls> all = new ArrayList<>(levels);
      all.add(cardLimits);
      if (cardholderLimits != null) {
        all.add(cardholderLimits);
      }
      List<LimitScope> scopes = new ArrayList<>();
      List<SpendControls> cardLevels = new ArrayList<>(levels);
      cardLevels.add(cardLimits);
      LimitScope card = scope("card", SpendControls.mostRestrictive(cardLevels), cardUsage);
      Map<String, Used> cardUsed = new HashMap<>(otherCardUsage);
      cardUsed.putAll(card.usage());
      scopes.add(new LimitScope("card", card.controls(), card.windowKeys(), cardUsed));
      if (cardholderLimits != null) {
        scopes.add(
            scope(
                "cardholder",
                SpendControls.mostRestrictive(List.of(cardholderLimits)),
                cardholderUsage));
      }
      return new Inputs(
          request,
          cardState,
          new Verification(cvvMatches, pin),
          convertible ? new Conversion(cardAmount == null ? amount : cardAmount, rate) : null,
          SpendControls.mostRestrictive(all),
          scopes,
          available,
          recentDeclines);
    }
  }

  private static LimitScope scope(String label, SpendControls controls, Map<Window, Used> usage) {
    Map<Window, String> keys = new EnumMap<>(Window.class);
    Map<String, Used> byKey = new HashMap<>();
    for (Window w : Window.values()) {
      keys.put(w, w.key(NOW, UTC));
      if (usage.containsKey(w)) {
        byKey.put(w.key(NOW, UTC), usage.get(w));
      }
    }
    return new LimitScope(label, controls, keys, byKey);
  }

  /** Controls with only the named fields set; the rest null. */
  static final class C {
    Long perTransaction;
    Long daily;
    Long weekly;
    Long monthly;
    Long lifetime;
    Integer dailyCount;
    Integer weeklyCount;
    Integer monthlyCount;
    Integer lifetimeCount;
    Set<String> allowedMccs;
    Set<String> blockedMccs;
    Set<String> allowedCountries;
    Set<String> blockedCountries;
    Set<String> allowedCurrencies;
    Set<String> allowedMerchants;
    Set<String> blockedMerchants;
    Set<Channel> allowedChannels;
    Set<Channel> blockedChannels;

    static SpendControls of(UnaryOperator<C> set) {
      C c = set.apply(new C());
      return new SpendControls(
          c.perTransaction,
          c.daily,
          c.weekly,
          c.monthly,
          c.lifetime,
          c.dailyCount,
          c.weeklyCount,
          c.monthlyCount,
          c.lifetimeCount,
          c.allowedMccs,
          c.blockedMccs,
          c.allowedCountries,
          c.blockedCountries,
          c.allowedCurrencies,
          c.allowedMerchants,
          c.blockedMerchants,
          c.allowedChannels,
          c.blockedChannels);
    }
  }

  private static Case baseline() {
    return new Case();
  }

  private static Outcome decide(Case c) {
    return DecisionCore.decide(c.inputs());
  }

  // ------------------------------------------------------------------ every reason

  /** One row per way to decline: what breaks the baseline, the reason and the explanation. */
  static Stream<Arguments> declines() {
    return Stream.of(
        row(
            "no card has the number",
            c -> {
              c.cardExists = false;
              return c;
            },
            DeclineReason.CARD_NOT_FOUND,
            "No card has this number"),
        row("frozen card", status(CardStatus.FROZEN), DeclineReason.CARD_FROZEN, "frozen"),
        row("blocked card", status(CardStatus.BLOCKED), DeclineReason.CARD_BLOCKED, "blocked"),
        row(
            "terminated card",
            status(CardStatus.TERMINATED),
            DeclineReason.CARD_TERMINATED,
            "The card is terminated"),
        row(
            "failed card",
            status(CardStatus.FAILED),
            DeclineReason.CARD_TERMINATED,
            "The card is failed"),
        row("expired card", status(CardStatus.EXPIRED), DeclineReason.CARD_EXPIRED, "expired"),
        row(
            "pending card",
            status(CardStatus.PENDING),
            DeclineReason.CARD_INACTIVE,
            "The card is pending"),
        row(
            "card under review",
            status(CardStatus.UNDER_REVIEW),
            DeclineReason.CARD_INACTIVE,
            "The card is under_review"),
        row(
            "expiry a month off",
            c -> {
              c.expiry = "2811";
              return c;
            },
            DeclineReason.EXPIRY_MISMATCH,
            "expiry"),
        row(
            "expiry given as MMYY",
            c -> {
              c.expiry = "1228";
              return c;
            },
            DeclineReason.EXPIRY_MISMATCH,
            "expiry"),
        row(
            "wrong CVV2",
            c -> {
              c.cvvMatches = false;
              return c;
            },
            DeclineReason.INVALID_CVV,
            "CVV2"),
        row("wrong PIN", pin(PinCheck.INCORRECT), DeclineReason.INCORRECT_PIN, "PIN"),
        row("PIN on a card without one", pin(PinCheck.NOT_SET), DeclineReason.INCORRECT_PIN, "PIN"),
        row(
            "PIN tries used up",
            pin(PinCheck.TRIES_EXCEEDED),
            DeclineReason.PIN_TRIES_EXCEEDED,
            "locked"),
        row(
            "3-D Secure failed on a BIN that requires it",
            c -> {
              c.channel = Channel.ECOMMERCE;
              c.threeDs = ThreeDs.FAILED;
              return c;
            },
            DeclineReason.THREE_DS_FAILED,
            "3-D Secure"),
        row(
            "currency outside the allow list",
            c -> {
              c.currency = "EUR";
              c.cardAmount = 2_700L;
              c.rate = new BigDecimal("1.08");
              c.cardLimits = C.of(x -> set(x, () -> x.allowedCurrencies = Set.of("USD", "GBP")));
              return c;
            },
            DeclineReason.CURRENCY_NOT_ALLOWED,
            "EUR is not among the allowed currencies [GBP, USD]"),
        row(
            "no rate converts the currency",
            c -> {
              c.currency = "THB";
              c.convertible = false;
              return c;
            },
            DeclineReason.CURRENCY_NOT_ALLOWED,
            "No rate converts THB into USD"),
        row(
            "over the per-transaction limit",
            limits(x -> set(x, () -> x.perTransaction = 2_499L)),
            DeclineReason.TRANSACTION_LIMIT_EXCEEDED,
            "Per-transaction limit 24.99 USD, requested 25.00 USD"),
        row(
            "over the daily limit",
            usage(Window.DAY, 5_500, 1, x -> set(x, () -> x.daily = 6_000L)),
            DeclineReason.DAILY_LIMIT_EXCEEDED,
            "Card daily limit 60.00 USD, spent 55.00, requested 25.00"),
        row(
            "over the weekly limit",
            usage(Window.WEEK, 10_000, 3, x -> set(x, () -> x.weekly = 12_000L)),
            DeclineReason.WEEKLY_LIMIT_EXCEEDED,
            "Card weekly limit 120.00 USD, spent 100.00, requested 25.00"),
        row(
            "over the monthly limit",
            usage(Window.MONTH, 40_000, 9, x -> set(x, () -> x.monthly = 42_000L)),
            DeclineReason.MONTHLY_LIMIT_EXCEEDED,
            "Card monthly limit 420.00 USD, spent 400.00, requested 25.00"),
        row(
            "over the lifetime limit",
            usage(Window.LIFETIME, 99_000, 40, x -> set(x, () -> x.lifetime = 100_000L)),
            DeclineReason.LIFETIME_LIMIT_EXCEEDED,
            "Card lifetime limit 1000.00 USD, spent 990.00, requested 25.00"),
        row(
            "over the cardholder's daily limit",
            c -> {
              c.cardholderLimits = C.of(x -> set(x, () -> x.daily = 6_000L));
              c.cardholderUsage.put(Window.DAY, new Used(5_500, 2));
              return c;
            },
            DeclineReason.DAILY_LIMIT_EXCEEDED,
            "Cardholder daily limit 60.00 USD, spent 55.00, requested 25.00"),
        row(
            "too many transactions today",
            usage(Window.DAY, 100, 3, x -> set(x, () -> x.dailyCount = 3)),
            DeclineReason.VELOCITY_COUNT_EXCEEDED,
            "Card allows 3 transactions per day; 3 already"),
        row(
            "too many transactions this week",
            usage(Window.WEEK, 100, 10, x -> set(x, () -> x.weeklyCount = 10)),
            DeclineReason.VELOCITY_COUNT_EXCEEDED,
            "Card allows 10 transactions per week; 10 already"),
        row(
            "too many transactions this month",
            usage(Window.MONTH, 100, 30, x -> set(x, () -> x.monthlyCount = 30)),
            DeclineReason.VELOCITY_COUNT_EXCEEDED,
            "Card allows 30 transactions per month; 30 already"),
        row(
            "too many transactions ever",
            usage(Window.LIFETIME, 100, 1, x -> set(x, () -> x.lifetimeCount = 1)),
            DeclineReason.VELOCITY_COUNT_EXCEEDED,
            "Card allows 1 transactions per lifetime; 1 already"),
        row(
            "blocked MCC",
            limits(x -> set(x, () -> x.blockedMccs = Set.of("5411"))),
            DeclineReason.MCC_BLOCKED,
            "MCC 5411"),
        row(
            "MCC in a blocked group",
            c -> {
              c.mcc = "7995";
              c.levels.add(C.of(x -> set(x, () -> x.blockedMccs = Set.of("gambling"))));
              return c;
            },
            DeclineReason.MCC_BLOCKED,
            "MCC 7995"),
        row(
            "MCC outside the allow list",
            limits(x -> set(x, () -> x.allowedMccs = Set.of("travel"))),
            DeclineReason.MCC_BLOCKED,
            "MCC 5411"),
        row(
            "blocked country",
            limits(x -> set(x, () -> x.blockedCountries = Set.of("US"))),
            DeclineReason.COUNTRY_BLOCKED,
            "Merchant country US"),
        row(
            "country outside the allow list",
            limits(x -> set(x, () -> x.allowedCountries = Set.of("DE", "FR"))),
            DeclineReason.COUNTRY_BLOCKED,
            "Merchant country US"),
        row(
            "blocked merchant",
            limits(x -> set(x, () -> x.blockedMerchants = Set.of("m_grocer"))),
            DeclineReason.MERCHANT_BLOCKED,
            "Merchant m_grocer"),
        row(
            "merchant outside the allow list",
            limits(x -> set(x, () -> x.allowedMerchants = Set.of("m_airline"))),
            DeclineReason.MERCHANT_BLOCKED,
            "Merchant m_grocer"),
        row(
            "blocked channel",
            limits(x -> set(x, () -> x.blockedChannels = Set.of(Channel.POS))),
            DeclineReason.CHANNEL_BLOCKED,
            "Channel pos"),
        row(
            "channel outside the allow list",
            limits(x -> set(x, () -> x.allowedChannels = Set.of(Channel.ECOMMERCE))),
            DeclineReason.CHANNEL_BLOCKED,
            "Channel pos"),
        row(
            "amount over the available balance",
            c -> {
              c.available = 2_499;
              return c;
            },
            DeclineReason.INSUFFICIENT_FUNDS,
            "Available 24.99 USD, requested 25.00 USD"),
        row(
            "negative available balance",
            c -> {
              c.available = -300;
              return c;
            },
            DeclineReason.INSUFFICIENT_FUNDS,
            "Available 0.00 USD, requested 25.00 USD"),
        row(
            "five wrong CVV2s or expiries on the card in the last ten minutes",
            c -> {
              c.recentDeclines = 5;
              return c;
            },
            DeclineReason.RISK_RULE,
            "5 attempts with a wrong CVV2 or expiry on this card in the last 10 minutes"));
  }

  @Test
  void fourRecentDeclinesAreNotYetCardTesting() {
    assertThat(
            decide(
                baseline()
                    .with(
                        c -> {
                          c.recentDeclines = 4;
                          return c;
                        })))
        .isEqualTo(new Outcome.Pass(2_500));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("declines")
  void declinesWithTheReasonItsCodeAndAnExplanationNamingTheValues(
      String situation, UnaryOperator<Case> change, DeclineReason reason, String explanation) {
    assertThat(decide(baseline())).as("the baseline").isEqualTo(new Outcome.Pass(2_500));

    Outcome outcome = decide(baseline().with(change));

    assertThat(outcome).isInstanceOf(Outcome.Decline.class);
    Outcome.Decline decline = (Outcome.Decline) outcome;
    assertThat(decline.reason()).isEqualTo(reason);
    assertThat(decline.reason().responseCode()).isEqualTo(expectedCode(reason));
    assertThat(decline.explanation()).contains(explanation);
  }

  @Test
  void everyReasonTheCoreCanGiveIsInTheTable() {
    Set<DeclineReason> covered = EnumSet.noneOf(DeclineReason.class);
    declines().forEach(a -> covered.add((DeclineReason) a.get()[2]));
    Set<DeclineReason> beyondTheCore =
        EnumSet.of(
            DeclineReason.WEBHOOK_DECLINED,
            DeclineReason.WEBHOOK_TIMEOUT,
            DeclineReason.WEBHOOK_ERROR);

    assertThat(covered)
        .containsExactlyInAnyOrderElementsOf(EnumSet.complementOf(EnumSet.copyOf(beyondTheCore)));
  }

  /** DE39 as docs/decline-reasons.md lists it, independently of the enum. */
  @ParameterizedTest(name = "{0} answers {1}")
  @CsvSource({
    "card_not_found, 14",
    "card_frozen, 62",
    "card_blocked, 62",
    "card_terminated, 62",
    "card_expired, 54",
    "card_inactive, 62",
    "expiry_mismatch, 54",
    "invalid_cvv, 05",
    "incorrect_pin, 55",
    "pin_tries_exceeded, 75",
    "three_ds_failed, 05",
    "currency_not_allowed, 57",
    "transaction_limit_exceeded, 61",
    "daily_limit_exceeded, 61",
    "weekly_limit_exceeded, 61",
    "monthly_limit_exceeded, 61",
    "lifetime_limit_exceeded, 61",
    "velocity_count_exceeded, 65",
    "mcc_blocked, 57",
    "country_blocked, 57",
    "merchant_blocked, 57",
    "channel_blocked, 57",
    "insufficient_funds, 51",
    "risk_rule, 05",
    "webhook_declined, 05",
    "webhook_timeout, 91",
    "webhook_error, 91"
  })
  void everyReasonMapsToTheDocumentedResponseCode(String wire, String code) {
    DeclineReason reason = DeclineReason.fromWire(wire);
    assertThat(reason.wire()).isEqualTo(wire);
    assertThat(reason.responseCode()).isEqualTo(code);
  }

  @Test
  void theDocumentedListIsTheWholeEnumInSpecOrder() {
    assertThat(Arrays.stream(DeclineReason.values()).map(DeclineReason::wire))
        .containsExactly(
            "card_not_found",
            "card_frozen",
            "card_blocked",
            "card_terminated",
            "card_expired",
            "card_inactive",
            "expiry_mismatch",
            "invalid_cvv",
            "incorrect_pin",
            "pin_tries_exceeded",
            "three_ds_failed",
            "currency_not_allowed",
            "transaction_limit_exceeded",
            "daily_limit_exceeded",
            "weekly_limit_exceeded",
            "monthly_limit_exceeded",
            "lifetime_limit_exceeded",
            "velocity_count_exceeded",
            "mcc_blocked",
            "country_blocked",
            "merchant_blocked",
            "channel_blocked",
            "insufficient_funds",
            "risk_rule",
            "webhook_declined",
            "webhook_timeout",
            "webhook_error");
  }

  // ------------------------------------------------------------------ order

  /** Two checks fail at once; the one SPEC §5 runs first is the reason. */
  static Stream<Arguments> twoFailures() {
    return Stream.of(
        pair(
            "frozen card and wrong CVV2",
            c -> both(status(CardStatus.FROZEN), cvv(false), c),
            DeclineReason.CARD_FROZEN),
        pair(
            "blocked card and a PIN locked",
            c -> both(status(CardStatus.BLOCKED), pin(PinCheck.TRIES_EXCEEDED), c),
            DeclineReason.CARD_BLOCKED),
        pair(
            "expired card and the wrong expiry",
            c -> both(status(CardStatus.EXPIRED), expiry("2701"), c),
            DeclineReason.CARD_EXPIRED),
        pair(
            "pending card and insufficient funds",
            c -> both(status(CardStatus.PENDING), available(0), c),
            DeclineReason.CARD_INACTIVE),
        pair(
            "wrong expiry and wrong CVV2",
            c -> both(expiry("2701"), cvv(false), c),
            DeclineReason.EXPIRY_MISMATCH),
        pair(
            "wrong CVV2 and over the daily limit",
            c ->
                both(
                    cvv(false),
                    usage(Window.DAY, 5_500, 1, x -> set(x, () -> x.daily = 6_000L)),
                    c),
            DeclineReason.INVALID_CVV),
        pair(
            "wrong CVV2 and wrong PIN",
            c -> both(cvv(false), pin(PinCheck.INCORRECT), c),
            DeclineReason.INVALID_CVV),
        pair(
            "wrong PIN and 3-D Secure failed",
            c -> both(pin(PinCheck.INCORRECT), threeDsFailed(), c),
            DeclineReason.INCORRECT_PIN),
        pair(
            "3-D Secure failed and no rate for the currency",
            c -> both(threeDsFailed(), noRate(), c),
            DeclineReason.THREE_DS_FAILED),
        pair(
            "no rate for the currency and over the per-transaction limit",
            c -> both(noRate(), limits(x -> set(x, () -> x.perTransaction = 100L)), c),
            DeclineReason.CURRENCY_NOT_ALLOWED),
        pair(
            "over the per-transaction limit and over the daily limit",
            c ->
                both(
                    limits(x -> set(x, () -> x.perTransaction = 100L)),
                    usage(Window.DAY, 5_500, 1, x -> set(x, () -> x.daily = 6_000L)),
                    c),
            DeclineReason.TRANSACTION_LIMIT_EXCEEDED),
        pair(
            "over the per-transaction limit and a blocked MCC",
            c ->
                both(
                    limits(x -> set(x, () -> x.perTransaction = 100L)),
                    limits(x -> set(x, () -> x.blockedMccs = Set.of("5411"))),
                    c),
            DeclineReason.TRANSACTION_LIMIT_EXCEEDED),
        pair(
            "over the daily limit and too many transactions",
            c ->
                both(
                    usage(Window.DAY, 5_500, 5, x -> set(x, () -> x.daily = 6_000L)),
                    limits(x -> set(x, () -> x.dailyCount = 5)),
                    c),
            DeclineReason.DAILY_LIMIT_EXCEEDED),
        pair(
            "over the daily and the weekly limit",
            c ->
                both(
                    usage(Window.DAY, 5_500, 1, x -> set(x, () -> x.daily = 6_000L)),
                    usage(Window.WEEK, 5_500, 1, x -> set(x, () -> x.weekly = 6_000L)),
                    c),
            DeclineReason.DAILY_LIMIT_EXCEEDED),
        pair(
            "over the monthly and the lifetime limit",
            c ->
                both(
                    usage(Window.MONTH, 5_500, 1, x -> set(x, () -> x.monthly = 6_000L)),
                    usage(Window.LIFETIME, 5_500, 1, x -> set(x, () -> x.lifetime = 6_000L)),
                    c),
            DeclineReason.MONTHLY_LIMIT_EXCEEDED),
        pair(
            "too many transactions and a blocked MCC",
            c ->
                both(
                    usage(Window.DAY, 0, 2, x -> set(x, () -> x.dailyCount = 2)),
                    limits(x -> set(x, () -> x.blockedMccs = Set.of("5411"))),
                    c),
            DeclineReason.VELOCITY_COUNT_EXCEEDED),
        pair(
            "a blocked MCC and a blocked country",
            c ->
                both(
                    limits(x -> set(x, () -> x.blockedMccs = Set.of("5411"))),
                    limits(x -> set(x, () -> x.blockedCountries = Set.of("US"))),
                    c),
            DeclineReason.MCC_BLOCKED),
        pair(
            "a blocked country and a blocked merchant",
            c ->
                both(
                    limits(x -> set(x, () -> x.blockedCountries = Set.of("US"))),
                    limits(x -> set(x, () -> x.blockedMerchants = Set.of("m_grocer"))),
                    c),
            DeclineReason.COUNTRY_BLOCKED),
        pair(
            "a blocked merchant and a blocked channel",
            c ->
                both(
                    limits(x -> set(x, () -> x.blockedMerchants = Set.of("m_grocer"))),
                    limits(x -> set(x, () -> x.blockedChannels = Set.of(Channel.POS))),
                    c),
            DeclineReason.MERCHANT_BLOCKED),
        pair(
            "insufficient funds and a blocked channel",
            c ->
                both(
                    available(0),
                    limits(x -> set(x, () -> x.blockedChannels = Set.of(Channel.POS))),
                    c),
            DeclineReason.CHANNEL_BLOCKED),
        pair(
            "insufficient funds and over the lifetime limit",
            c ->
                both(
                    available(0),
                    usage(Window.LIFETIME, 0, 0, x -> set(x, () -> x.lifetime = 100L)),
                    c),
            DeclineReason.LIFETIME_LIMIT_EXCEEDED));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("twoFailures")
  void theCheckSpecRunsFirstWins(
      String situation, UnaryOperator<Case> change, DeclineReason first) {
    Outcome outcome = decide(baseline().with(change));

    assertThat(outcome).isInstanceOf(Outcome.Decline.class);
    assertThat(((Outcome.Decline) outcome).reason()).isEqualTo(first);
  }

  /**
   * Every check fails at once; repairing the reported failure reveals the next one, so the reasons
   * come out in exactly the order of SPEC §5, and with everything repaired the payment passes.
   */
  @Test
  void withEveryCheckFailingTheReasonsComeOutInSpecOrderAsEachIsRepaired() {
    Case c = baseline();
    c.status = CardStatus.FROZEN;
    c.expiry = "2701";
    c.cvvMatches = false;
    c.pin = PinCheck.INCORRECT;
    c.channel = Channel.ECOMMERCE;
    c.threeDs = ThreeDs.FAILED;
    c.currency = "THB";
    c.convertible = false;
    c.cardAmount = 2_500L;
    c.available = 0;
    c.cardLimits =
        C.of(
            x ->
                set(
                    x,
                    () -> {
                      x.perTransaction = 100L;
                      x.daily = 6_000L;
                      x.weekly = 6_000L;
                      x.monthly = 6_000L;
                      x.lifetime = 6_000L;
                      x.dailyCount = 1;
                      x.blockedMccs = Set.of("5411");
                      x.blockedCountries = Set.of("US");
                      x.blockedMerchants = Set.of("m_grocer");
                      x.blockedChannels = Set.of(Channel.ECOMMERCE);
                    }));
    for (Window w : Window.values()) {
      c.cardUsage.put(w, new Used(5_500, 1));
    }
    List<DeclineReason> seen = new ArrayList<>();
    List<UnaryOperator<Case>> repairs =
        List.of(
            x -> {
              x.status = CardStatus.ACTIVE;
              return x;
            },
            x -> {
              x.expiry = "2812";
              return x;
            },
            x -> {
              x.cvvMatches = true;
              return x;
            },
            x -> {
              x.pin = PinCheck.VERIFIED;
              return x;
            },
            x -> {
              x.threeDs = ThreeDs.AUTHENTICATED;
              return x;
            },
            x -> {
              x.convertible = true;
              return x;
            },
            x -> replaceLimits(x, l -> l.perTransaction = null),
            x -> replaceLimits(x, l -> l.daily = null),
            x -> replaceLimits(x, l -> l.weekly = null),
            x -> replaceLimits(x, l -> l.monthly = null),
            x -> replaceLimits(x, l -> l.lifetime = null),
            x -> replaceLimits(x, l -> l.dailyCount = null),
            x -> replaceLimits(x, l -> l.blockedMccs = null),
            x -> replaceLimits(x, l -> l.blockedCountries = null),
            x -> replaceLimits(x, l -> l.blockedMerchants = null),
            x -> replaceLimits(x, l -> l.blockedChannels = null),
            x -> {
              x.available = 2_500;
              return x;
            });
    for (UnaryOperator<Case> repair : repairs) {
      Outcome outcome = decide(c);
      assertThat(outcome).as("after %s", seen).isInstanceOf(Outcome.Decline.class);
      seen.add(((Outcome.Decline) outcome).reason());
      c = repair.apply(c);
    }

    assertThat(seen)
        .containsExactly(
            DeclineReason.CARD_FROZEN,
            DeclineReason.EXPIRY_MISMATCH,
            DeclineReason.INVALID_CVV,
            DeclineReason.INCORRECT_PIN,
            DeclineReason.THREE_DS_FAILED,
            DeclineReason.CURRENCY_NOT_ALLOWED,
            DeclineReason.TRANSACTION_LIMIT_EXCEEDED,
            DeclineReason.DAILY_LIMIT_EXCEEDED,
            DeclineReason.WEEKLY_LIMIT_EXCEEDED,
            DeclineReason.MONTHLY_LIMIT_EXCEEDED,
            DeclineReason.LIFETIME_LIMIT_EXCEEDED,
            DeclineReason.VELOCITY_COUNT_EXCEEDED,
            DeclineReason.MCC_BLOCKED,
            DeclineReason.COUNTRY_BLOCKED,
            DeclineReason.MERCHANT_BLOCKED,
            DeclineReason.CHANNEL_BLOCKED,
            DeclineReason.INSUFFICIENT_FUNDS);
    assertThat(decide(c)).isEqualTo(new Outcome.Pass(2_500));
  }

  @Test
  void cardChecksAloneStopAtTheCardAndIgnoreWhatWasPresented() {
    Case frozen = baseline().with(status(CardStatus.FROZEN));
    Inputs in = frozen.inputs();

    assertThat(DecisionCore.cardChecks(in.request(), in.card()))
        .contains(new Outcome.Decline(DeclineReason.CARD_FROZEN, "The card is frozen"));
    Inputs active = baseline().with(expiry("2812")).inputs();
    assertThat(DecisionCore.cardChecks(active.request(), active.card())).isEmpty();
    Inputs mismatch = baseline().with(expiry("2712")).inputs();
    assertThat(DecisionCore.cardChecks(mismatch.request(), mismatch.card()))
        .hasValueSatisfying(d -> assertThat(d.reason()).isEqualTo(DeclineReason.EXPIRY_MISMATCH));
  }

  // ------------------------------------------------------------------ what passes

  static Stream<Arguments> passes() {
    return Stream.of(
        row("the matching expiry", expiry("2812"), null, null),
        row("the right CVV2 and PIN", c -> both(cvv(true), pin(PinCheck.VERIFIED), c), null, null),
        row(
            "a failed 3-D Secure at a point of sale",
            c -> {
              c.threeDs = ThreeDs.FAILED;
              return c;
            },
            null,
            null),
        row(
            "a failed 3-D Secure on a BIN without it",
            c -> {
              c.threeDsRequired = false;
              c.channel = Channel.ECOMMERCE;
              c.threeDs = ThreeDs.FAILED;
              return c;
            },
            null,
            null),
        row(
            "an e-commerce payment without 3-D Secure",
            c -> {
              c.channel = Channel.ECOMMERCE;
              c.threeDs = ThreeDs.NOT_ATTEMPTED;
              return c;
            },
            null,
            null),
        row(
            "exactly the per-transaction limit",
            limits(x -> set(x, () -> x.perTransaction = 2_500L)),
            null,
            null),
        row(
            "exactly reaching the daily limit",
            usage(Window.DAY, 3_500, 1, x -> set(x, () -> x.daily = 6_000L)),
            null,
            null),
        row(
            "the last transaction the count allows",
            usage(Window.DAY, 0, 2, x -> set(x, () -> x.dailyCount = 3)),
            null,
            null),
        row(
            "a limit of 0, which is off",
            usage(
                Window.DAY,
                1_000_000,
                1_000,
                x ->
                    set(
                        x,
                        () -> {
                          x.perTransaction = 0L;
                          x.daily = 0L;
                          x.dailyCount = 0;
                        })),
            null,
            null),
        row(
            "yesterday's spending against today's limit",
            c -> {
              c.cardLimits = C.of(x -> set(x, () -> x.daily = 6_000L));
              c.otherCardUsage.put("day:2026-11-21", new Used(6_000, 9));
              c.otherCardUsage.put("week:2026-W46", new Used(6_000, 9));
              return c;
            },
            null,
            null),
        row(
            "an allowed MCC, country, merchant, channel and currency",
            limits(
                x ->
                    set(
                        x,
                        () -> {
                          x.allowedMccs = Set.of("5411", "5812");
                          x.allowedCountries = Set.of("US");
                          x.allowedMerchants = Set.of("m_grocer");
                          x.allowedChannels = Set.of(Channel.POS);
                          x.allowedCurrencies = Set.of("USD");
                        })),
            null,
            null),
        row("exactly the available balance", available(2_500), null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("passes")
  void passesAtTheEdge(
      String situation, UnaryOperator<Case> change, Object unused1, Object unused2) {
    assertThat(decide(baseline().with(change))).isEqualTo(new Outcome.Pass(2_500));
  }

  @Test
  void limitsAreCheckedInTheAccountCurrencyAfterConversion() {
    Case euros =
        baseline()
            .with(
                c -> {
                  c.currency = "EUR";
                  c.amount = 10_000;
                  c.cardAmount = 11_000L;
                  c.rate = new BigDecimal("1.1");
                  return c;
                });

    assertThat(decide(euros)).isEqualTo(new Outcome.Pass(11_000));

    euros.cardLimits = C.of(x -> set(x, () -> x.perTransaction = 10_500L));
    Outcome overInDollars = decide(euros);
    assertThat(overInDollars)
        .isEqualTo(
            new Outcome.Decline(
                DeclineReason.TRANSACTION_LIMIT_EXCEEDED,
                "Per-transaction limit 105.00 USD, requested 110.00 USD"));

    euros.cardLimits = C.of(x -> set(x, () -> x.daily = 20_000L));
    euros.cardUsage.put(Window.DAY, new Used(10_000, 1));
    assertThat(decide(euros))
        .isEqualTo(
            new Outcome.Decline(
                DeclineReason.DAILY_LIMIT_EXCEEDED,
                "Card daily limit 200.00 USD, spent 100.00, requested 110.00"));

    euros.cardUsage.clear();
    euros.available = 10_999;
    assertThat(decide(euros))
        .isEqualTo(
            new Outcome.Decline(
                DeclineReason.INSUFFICIENT_FUNDS, "Available 109.99 USD, requested 110.00 USD"));
  }

  @Test
  void explanationsUseTheCurrencysOwnMinorUnit() {
    Case yen =
        baseline()
            .with(
                c -> {
                  c.currency = "JPY";
                  c.accountCurrency = "JPY";
                  c.amount = 2_500;
                  return c;
                })
            .with(usage(Window.DAY, 5_500, 1, x -> set(x, () -> x.daily = 6_000L)));

    assertThat(decide(yen))
        .isEqualTo(
            new Outcome.Decline(
                DeclineReason.DAILY_LIMIT_EXCEEDED,
                "Card daily limit 6000 JPY, spent 5500, requested 2500"));
  }

  @Test
  void cardAndCardholderLimitsCountTheirOwnUsage() {
    Case c =
        baseline()
            .with(
                x -> {
                  x.cardLimits = C.of(l -> set(l, () -> l.daily = 6_000L));
                  x.cardUsage.put(Window.DAY, new Used(1_000, 1));
                  x.cardholderLimits = C.of(l -> set(l, () -> l.daily = 10_000L));
                  x.cardholderUsage.put(Window.DAY, new Used(8_000, 3));
                  return x;
                });

    assertThat(decide(c))
        .as("the card has room, the cardholder's other cards used theirs")
        .isEqualTo(
            new Outcome.Decline(
                DeclineReason.DAILY_LIMIT_EXCEEDED,
                "Cardholder daily limit 100.00 USD, spent 80.00, requested 25.00"));

    c.cardholderUsage.put(Window.DAY, new Used(7_500, 3));
    c.amount = 2_500;
    c.cardholderLimits = C.of(l -> set(l, () -> l.daily = 10_000L));
    assertThat(decide(c)).isEqualTo(new Outcome.Pass(2_500));
  }

  // ------------------------------------------------------------------ windows

  @ParameterizedTest(name = "{0} at {2} in {1} is {3}")
  @CsvSource({
    // The last second of a local day and the first of the next.
    "DAY, Asia/Tokyo, 2026-11-22T23:59:59, day:2026-11-22",
    "DAY, Asia/Tokyo, 2026-11-23T00:00:00, day:2026-11-23",
    "DAY, America/Los_Angeles, 2026-11-22T23:59:59, day:2026-11-22",
    "DAY, America/Los_Angeles, 2026-11-23T00:00:00, day:2026-11-23",
    "DAY, Europe/Berlin, 2028-02-29T00:00:00, day:2028-02-29",
    "DAY, Europe/Berlin, 2028-02-29T23:59:59, day:2028-02-29",
    "DAY, Europe/Berlin, 2028-03-01T00:00:00, day:2028-03-01",
    // ISO weeks: 2026 has 53, and its week 53 runs into 2027.
    "WEEK, Europe/Berlin, 2026-12-27T23:59:59, week:2026-W52",
    "WEEK, Europe/Berlin, 2026-12-28T00:00:00, week:2026-W53",
    "WEEK, Europe/Berlin, 2026-12-31T23:59:59, week:2026-W53",
    "WEEK, Europe/Berlin, 2027-01-01T00:00:00, week:2026-W53",
    "WEEK, Europe/Berlin, 2027-01-03T23:59:59, week:2026-W53",
    "WEEK, Europe/Berlin, 2027-01-04T00:00:00, week:2027-W01",
    "WEEK, UTC, 2020-12-31T12:00:00, week:2020-W53",
    "WEEK, UTC, 2021-01-01T12:00:00, week:2020-W53",
    "WEEK, UTC, 2021-01-04T00:00:00, week:2021-W01",
    // A calendar-2024 day in ISO week 1 of 2025.
    "WEEK, UTC, 2024-12-30T00:00:00, week:2025-W01",
    "WEEK, UTC, 2024-12-29T23:59:59, week:2024-W52",
    "WEEK, America/New_York, 2026-11-23T00:00:00, week:2026-W48",
    "WEEK, America/New_York, 2026-11-22T23:59:59, week:2026-W47",
    // Month ends, leap day included.
    "MONTH, Asia/Tokyo, 2026-01-31T23:59:59, month:2026-01",
    "MONTH, Asia/Tokyo, 2026-02-01T00:00:00, month:2026-02",
    "MONTH, Europe/Berlin, 2028-02-29T23:59:59, month:2028-02",
    "MONTH, Europe/Berlin, 2028-03-01T00:00:00, month:2028-03",
    "MONTH, America/New_York, 2026-12-31T23:59:59, month:2026-12",
    "MONTH, America/New_York, 2027-01-01T00:00:00, month:2027-01",
    "LIFETIME, Asia/Tokyo, 2026-11-22T12:00:00, lifetime"
  })
  void theWindowKeyFollowsTheLocalCalendar(
      Window window, String zone, String local, String expected) {
    ZoneId z = ZoneId.of(zone);
    Instant at = LocalDateTime.parse(local).atZone(z).toInstant();

    assertThat(window.key(at, z)).isEqualTo(expected);
  }

  @Test
  void theSameInstantFallsInDifferentWindowsInDifferentTimeZones() {
    Instant lateUtcEvening = Instant.parse("2026-12-31T23:30:00Z");

    assertThat(Window.DAY.key(lateUtcEvening, UTC)).isEqualTo("day:2026-12-31");
    assertThat(Window.DAY.key(lateUtcEvening, ZoneId.of("Asia/Tokyo"))).isEqualTo("day:2027-01-01");
    assertThat(Window.MONTH.key(lateUtcEvening, ZoneId.of("Asia/Tokyo")))
        .isEqualTo("month:2027-01");
    assertThat(Window.DAY.key(Instant.parse("2027-01-01T04:59:59Z"), ZoneId.of("America/New_York")))
        .isEqualTo("day:2026-12-31");
    assertThat(Window.DAY.key(Instant.parse("2027-01-01T05:00:00Z"), ZoneId.of("America/New_York")))
        .isEqualTo("day:2027-01-01");
  }

  @ParameterizedTest(name = "{0} containing {2} in {1} ends at {3}")
  @CsvSource({
    "DAY, Asia/Tokyo, 2026-11-22T23:59:59, 2026-11-23T00:00:00",
    "DAY, Asia/Tokyo, 2026-11-23T00:00:00, 2026-11-24T00:00:00",
    "DAY, Europe/Berlin, 2028-02-29T12:00:00, 2028-03-01T00:00:00",
    // A 23-hour day: Berlin moves its clocks forward at 02:00 on 2026-03-29.
    "DAY, Europe/Berlin, 2026-03-29T12:00:00, 2026-03-30T00:00:00",
    // A 25-hour day: Berlin moves its clocks back on 2026-10-25.
    "DAY, Europe/Berlin, 2026-10-25T12:00:00, 2026-10-26T00:00:00",
    "WEEK, Europe/Berlin, 2026-12-31T10:00:00, 2027-01-04T00:00:00",
    "WEEK, Europe/Berlin, 2027-01-03T23:59:59, 2027-01-04T00:00:00",
    "WEEK, Europe/Berlin, 2027-01-04T00:00:00, 2027-01-11T00:00:00",
    "WEEK, UTC, 2020-12-31T00:00:00, 2021-01-04T00:00:00",
    "MONTH, Europe/Berlin, 2028-02-29T23:59:59, 2028-03-01T00:00:00",
    "MONTH, Asia/Tokyo, 2026-12-31T23:59:59, 2027-01-01T00:00:00",
    "MONTH, Asia/Tokyo, 2027-01-01T00:00:00, 2027-02-01T00:00:00",
    "MONTH, America/New_York, 2026-01-31T08:00:00, 2026-02-01T00:00:00"
  })
  void theWindowEndsAtTheNextLocalBoundary(
      Window window, String zone, String local, String expectedLocalEnd) {
    ZoneId z = ZoneId.of(zone);
    Instant at = LocalDateTime.parse(local).atZone(z).toInstant();
    Instant end = window.end(at, z);

    assertThat(end).isEqualTo(LocalDateTime.parse(expectedLocalEnd).atZone(z).toInstant());
    assertThat(window.key(end, z)).as("the end is the next window").isNotEqualTo(window.key(at, z));
    assertThat(window.key(end.minusNanos(1), z))
        .as("the last instant before the end is this window")
        .isEqualTo(window.key(at, z));
  }

  @Test
  void theLifetimeNeverEnds() {
    assertThat(Window.LIFETIME.end(NOW, UTC)).isNull();
    assertThat(Window.LIFETIME.key(NOW, UTC))
        .isEqualTo(Window.LIFETIME.key(Instant.parse("1999-01-01T00:00:00Z"), UTC));
  }

  /**
   * In a zone whose clocks jump from 00:00 to 01:00 (America/Havana on 2026-03-08, America/Santiago
   * on 2026-09-06), the day begins at 01:00 but the next day begins at 00:00 again: the window must
   * end there, where the next window's key begins.
   */
  @ParameterizedTest(name = "{0} on {2} in {1}")
  @CsvSource({
    "DAY, America/Havana, 2026-03-08T12:00:00, 2026-03-09T00:00:00",
    "DAY, America/Santiago, 2026-09-06T12:00:00, 2026-09-07T00:00:00",
    "WEEK, America/Santiago, 2026-09-06T12:00:00, 2026-09-07T00:00:00",
    "MONTH, America/Santiago, 2026-09-06T12:00:00, 2026-10-01T00:00:00"
  })
  void theWindowEndsAtMidnightEvenWhenTheDayBeganAtOneBecauseOfADaylightSavingGap(
      Window window, String zone, String local, String expectedLocalEnd) {
    ZoneId z = ZoneId.of(zone);
    Instant at = LocalDateTime.parse(local).atZone(z).toInstant();
    Instant end = window.end(at, z);

    assertThat(end).isEqualTo(LocalDateTime.parse(expectedLocalEnd).atZone(z).toInstant());
    assertThat(window.key(end.minusNanos(1), z)).isEqualTo(window.key(at, z));
  }

  // ------------------------------------------------------------------ most restrictive

  @Test
  void theSmallestLimitOfTheLevelsApplies() {
    SpendControls merged =
        SpendControls.mostRestrictive(
            List.of(
                C.of(
                    x ->
                        set(
                            x,
                            () -> {
                              x.perTransaction = 10_000L;
                              x.daily = 50_000L;
                              x.weeklyCount = 20;
                            })),
                C.of(
                    x ->
                        set(
                            x,
                            () -> {
                              x.perTransaction = 5_000L;
                              x.monthly = 70_000L;
                              x.weeklyCount = 30;
                            })),
                C.of(
                    x ->
                        set(
                            x,
                            () -> {
                              x.perTransaction = 7_500L;
                              x.daily = 60_000L;
                              x.lifetimeCount = 4;
                            }))));

    assertThat(merged.perTransactionLimit()).isEqualTo(5_000L);
    assertThat(merged.dailyLimit()).isEqualTo(50_000L);
    assertThat(merged.weeklyLimit()).isNull();
    assertThat(merged.monthlyLimit()).isEqualTo(70_000L);
    assertThat(merged.weeklyCount()).isEqualTo(20);
    assertThat(merged.lifetimeCount()).isEqualTo(4);
    assertThat(merged.amountLimits())
        .containsExactly(
            new SpendControls.WindowLimit(Window.DAY, 50_000),
            new SpendControls.WindowLimit(Window.MONTH, 70_000));
    assertThat(merged.countLimits())
        .containsExactly(
            new SpendControls.WindowLimit(Window.WEEK, 20),
            new SpendControls.WindowLimit(Window.LIFETIME, 4));
  }

  @Test
  void aLimitOfZeroIsOffAndNeverTheSmallest() {
    SpendControls merged =
        SpendControls.mostRestrictive(
            List.of(
                C.of(
                    x ->
                        set(
                            x,
                            () -> {
                              x.perTransaction = 0L;
                              x.daily = 0L;
                              x.dailyCount = 0;
                            })),
                C.of(
                    x ->
                        set(
                            x,
                            () -> {
                              x.perTransaction = 500L;
                              x.dailyCount = 0;
                            }))));

    assertThat(merged.perTransactionLimit()).isEqualTo(500L);
    assertThat(merged.dailyLimit()).isNull();
    assertThat(merged.dailyCount()).isNull();
    assertThat(merged.amountLimits()).isEmpty();
    assertThat(merged.countLimits()).isEmpty();
    assertThat(C.of(x -> set(x, () -> x.daily = 0L)).amountLimits()).isEmpty();
  }

  @Test
  void allowListsIntersectAndBlockListsUnite() {
    SpendControls merged =
        SpendControls.mostRestrictive(
            Arrays.asList(
                C.of(
                    x ->
                        set(
                            x,
                            () -> {
                              x.allowedCountries = Set.of("US", "DE", "FR");
                              x.blockedCountries = Set.of("RU");
                              x.allowedCurrencies = Set.of("USD", "EUR");
                              x.blockedMerchants = Set.of("m_1");
                              x.allowedChannels = Set.of(Channel.POS, Channel.ECOMMERCE);
                              x.blockedChannels = Set.of(Channel.ATM);
                            })),
                null,
                C.of(
                    x ->
                        set(
                            x,
                            () -> {
                              x.allowedCountries = Set.of("DE", "FR", "IT");
                              x.blockedCountries = Set.of("KP");
                              x.allowedMerchants = Set.of("m_2", "m_3");
                              x.blockedMerchants = Set.of("m_4");
                              x.allowedChannels = Set.of(Channel.ECOMMERCE, Channel.MOTO);
                              x.blockedChannels = Set.of(Channel.MOTO);
                            })),
                SpendControls.NONE));

    assertThat(merged.allowedCountries()).containsExactlyInAnyOrder("DE", "FR");
    assertThat(merged.blockedCountries()).containsExactlyInAnyOrder("RU", "KP");
    assertThat(merged.allowedCurrencies())
        .as("a level without an allow list does not narrow it")
        .containsExactlyInAnyOrder("USD", "EUR");
    assertThat(merged.allowedMerchantIds()).containsExactlyInAnyOrder("m_2", "m_3");
    assertThat(merged.blockedMerchantIds()).containsExactlyInAnyOrder("m_1", "m_4");
    assertThat(merged.allowedChannels()).containsExactly(Channel.ECOMMERCE);
    assertThat(merged.blockedChannels()).containsExactlyInAnyOrder(Channel.ATM, Channel.MOTO);
  }

  @Test
  void mccGroupsAreExpandedWhenLevelsAreMerged() {
    SpendControls merged =
        SpendControls.mostRestrictive(
            List.of(
                C.of(
                    x ->
                        set(
                            x,
                            () -> {
                              x.blockedMccs = Set.of("gambling");
                              x.allowedMccs = Set.of("travel", "5411");
                            })),
                C.of(
                    x ->
                        set(
                            x,
                            () -> {
                              x.blockedMccs = Set.of("5812");
                              x.allowedMccs = Set.of("4511", "5411", "5999");
                            }))));

    assertThat(merged.blockedMccs())
        .containsExactlyInAnyOrder("7800", "7801", "7802", "7995", "5812");
    assertThat(merged.allowedMccs()).containsExactlyInAnyOrder("4511", "5411");
    assertThat(
            SpendControls.mostRestrictive(
                    List.of(C.of(x -> set(x, () -> x.blockedMccs = Set.of("advertising", "5411")))))
                .blockedMccs())
        .as("a single level is expanded too")
        .containsExactlyInAnyOrder("7311", "7319", "7333", "5968", "5411");
  }

  @Test
  void disjointAllowListsAdmitNothing() {
    Case c =
        baseline()
            .with(
                x -> {
                  x.levels.add(C.of(l -> set(l, () -> l.allowedCountries = Set.of("US"))));
                  x.cardLimits = C.of(l -> set(l, () -> l.allowedCountries = Set.of("DE")));
                  return x;
                });

    assertThat(c.inputs().merged().allowedCountries()).isEmpty();
    assertThat(decide(c))
        .isEqualTo(
            new Outcome.Decline(
                DeclineReason.COUNTRY_BLOCKED,
                "Merchant country US is blocked by the card's controls"));
  }

  @Test
  void noLevelsMeansNoControls() {
    assertThat(SpendControls.mostRestrictive(List.of())).isEqualTo(SpendControls.NONE);
    assertThat(SpendControls.mostRestrictive(Arrays.asList(null, SpendControls.NONE)))
        .isEqualTo(SpendControls.NONE);
  }

  // ------------------------------------------------------------------ table helpers

  private static Arguments row(
      String situation, UnaryOperator<Case> change, DeclineReason reason, String explanation) {
    return Arguments.of(situation, change, reason, explanation);
  }

  private static Arguments pair(String situation, UnaryOperator<Case> change, DeclineReason first) {
    return Arguments.of(situation, change, first);
  }

  private static C set(C c, Runnable assignments) {
    assignments.run();
    return c;
  }

  private static UnaryOperator<Case> status(CardStatus status) {
    return c -> {
      c.status = status;
      return c;
    };
  }

  private static UnaryOperator<Case> pin(PinCheck check) {
    return c -> {
      c.pin = check;
      return c;
    };
  }

  private static UnaryOperator<Case> cvv(boolean matches) {
    return c -> {
      c.cvvMatches = matches;
      return c;
    };
  }

  private static UnaryOperator<Case> expiry(String yymm) {
    return c -> {
      c.expiry = yymm;
      return c;
    };
  }

  private static UnaryOperator<Case> available(long minor) {
    return c -> {
      c.available = minor;
      return c;
    };
  }

  private static UnaryOperator<Case> threeDsFailed() {
    return c -> {
      c.channel = Channel.ECOMMERCE;
      c.threeDs = ThreeDs.FAILED;
      return c;
    };
  }

  private static UnaryOperator<Case> noRate() {
    return c -> {
      c.currency = "THB";
      c.convertible = false;
      return c;
    };
  }

  /** Adds a level of controls to the card's own (merged with what is there). */
  private static UnaryOperator<Case> limits(UnaryOperator<C> set) {
    return c -> {
      c.cardLimits = SpendControls.mostRestrictive(List.of(c.cardLimits, C.of(set)));
      return c;
    };
  }

  private static UnaryOperator<Case> usage(
      Window window, long amount, long count, UnaryOperator<C> set) {
    return c -> {
      c.cardUsage.put(window, new Used(amount, count));
      return limits(set).apply(c);
    };
  }

  private static Case both(UnaryOperator<Case> a, UnaryOperator<Case> b, Case c) {
    return b.apply(a.apply(c));
  }

  /** Rebuilds the card's controls with one field changed. */
  private static Case replaceLimits(Case c, java.util.function.Consumer<C> change) {
    SpendControls s = c.cardLimits;
    C x = new C();
    x.perTransaction = s.perTransactionLimit();
    x.daily = s.dailyLimit();
    x.weekly = s.weeklyLimit();
    x.monthly = s.monthlyLimit();
    x.lifetime = s.lifetimeLimit();
    x.dailyCount = s.dailyCount();
    x.weeklyCount = s.weeklyCount();
    x.monthlyCount = s.monthlyCount();
    x.lifetimeCount = s.lifetimeCount();
    x.allowedMccs = s.allowedMccs();
    x.blockedMccs = s.blockedMccs();
    x.allowedCountries = s.allowedCountries();
    x.blockedCountries = s.blockedCountries();
    x.allowedCurrencies = s.allowedCurrencies();
    x.allowedMerchants = s.allowedMerchantIds();
    x.blockedMerchants = s.blockedMerchantIds();
    x.allowedChannels = s.allowedChannels();
    x.blockedChannels = s.blockedChannels();
    change.accept(x);
    c.cardLimits = C.of(unused -> x);
    return c;
  }

  /** The DE39 code docs/decline-reasons.md gives each reason. */
  private static String expectedCode(DeclineReason reason) {
    return switch (reason) {
      case CARD_NOT_FOUND -> "14";
      case CARD_FROZEN, CARD_BLOCKED, CARD_TERMINATED, CARD_INACTIVE -> "62";
      case CARD_EXPIRED, EXPIRY_MISMATCH -> "54";
      case INVALID_CVV, THREE_DS_FAILED, RISK_RULE, WEBHOOK_DECLINED -> "05";
      case INCORRECT_PIN -> "55";
      case PIN_TRIES_EXCEEDED -> "75";
      case CURRENCY_NOT_ALLOWED, MCC_BLOCKED, COUNTRY_BLOCKED, MERCHANT_BLOCKED, CHANNEL_BLOCKED ->
          "57";
      case TRANSACTION_LIMIT_EXCEEDED,
          DAILY_LIMIT_EXCEEDED,
          WEEKLY_LIMIT_EXCEEDED,
          MONTHLY_LIMIT_EXCEEDED,
          LIFETIME_LIMIT_EXCEEDED ->
          "61";
      case VELOCITY_COUNT_EXCEEDED -> "65";
      case INSUFFICIENT_FUNDS -> "51";
      case WEBHOOK_TIMEOUT, WEBHOOK_ERROR -> "91";
    };
  }
}
