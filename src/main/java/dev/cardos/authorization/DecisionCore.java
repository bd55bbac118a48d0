package dev.cardos.authorization;

import dev.cardos.cards.CardSecurity.PinCheck;
import dev.cardos.cards.CardStatus;
import dev.cardos.controls.Channel;
import dev.cardos.controls.Controls.Used;
import dev.cardos.controls.SpendControls;
import dev.cardos.controls.Window;
import dev.cardos.shared.Currencies;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decision: a pure function of the request, the card, the verification results, the conversion,
 * the controls with their usage, and the available balance. It applies SPEC §5's checks 1 to 14 in
 * order and returns the first failure, with an explanation that names the values compared. No I/O,
 * no clock, no framework: it is table-tested exhaustively.
 */
public final class DecisionCore {

  private DecisionCore() {}

  /** The merchant as the network describes it. */
  public record Merchant(String id, String name, String mcc, String city, String country) {}

  /** The 3-D Secure outcome the network reports. */
  public enum ThreeDs {
    NOT_ATTEMPTED,
    AUTHENTICATED,
    FAILED
  }

  /** What the network asks: amount in the merchant's currency. */
  public record Request(
      long amount,
      String currency,
      Merchant merchant,
      Channel channel,
      String expiryYymm,
      ThreeDs threeDs) {}

  /** The card as far as the decision needs it. */
  public record CardState(
      CardStatus status,
      int expMonth,
      int expYear,
      String accountCurrency,
      boolean threeDsRequired) {}

  /** Results of checking what the cardholder presented: null when it was not presented. */
  public record Verification(Boolean cvvMatches, PinCheck pin) {}

  /** The amount in the account currency and the rate used (null rate: same currency). */
  public record Conversion(long cardAmount, BigDecimal rate) {}

  /** The controls of one level whose windows count against their own usage. */
  public record LimitScope(
      String label,
      SpendControls controls,
      Map<Window, String> windowKeys,
      Map<String, Used> usage) {}

  /**
   * Everything the decision reads. {@code conversion} is null when no rate converts; {@code
   * recentDeclines} counts the card's authorizations declined for a wrong CVV2 or expiry in the
   * last {@link #RISK_WINDOW_MINUTES} minutes.
   */
  public record Inputs(
      Request request,
      CardState card,
      Verification verification,
      Conversion conversion,
      SpendControls merged,
      List<LimitScope> scopes,
      long availableMinor,
      int recentDeclines) {}

  /**
   * Risk rule: this many declines on a card within the window look like card testing (a fraudster
   * probing stolen details), so further attempts are declined until the window passes.
   */
  public static final int RISK_DECLINES_MAX = 5;

  public static final int RISK_WINDOW_MINUTES = 10;

  /** The outcome of checks 1 to 14. */
  public sealed interface Outcome {
    /** Every internal check passed; {@code cardAmount} is in the account currency. */
    record Pass(long cardAmount) implements Outcome {}

    record Decline(DeclineReason reason, String explanation) implements Outcome {}
  }

  /** Checks 1 to 3: whether the card can be used at all. Run before verifying CVV2 or PIN. */
  public static Optional<Outcome.Decline> cardChecks(Request request, CardState card) {
    if (card == null) {
      return decline(DeclineReason.CARD_NOT_FOUND, "No card has this number");
    }
    Optional<Outcome.Decline> status =
        switch (card.status()) {
          case ACTIVE -> Optional.empty();
          case FROZEN -> decline(DeclineReason.CARD_FROZEN, "The card is frozen");
          case BLOCKED -> decline(DeclineReason.CARD_BLOCKED, "The card is blocked");
          case TERMINATED, FAILED ->
              decline(DeclineReason.CARD_TERMINATED, "The card is " + card.status().wire());
          case EXPIRED -> decline(DeclineReason.CARD_EXPIRED, "The card has expired");
          case PENDING, UNDER_REVIEW ->
              decline(DeclineReason.CARD_INACTIVE, "The card is " + card.status().wire());
        };
    if (status.isPresent()) {
      return status;
    }
    if (request.expiryYymm() != null) {
      String actual = String.format("%02d%02d", card.expYear() % 100, card.expMonth());
      if (!actual.equals(request.expiryYymm())) {
        return decline(
            DeclineReason.EXPIRY_MISMATCH, "The expiry given does not match the card's expiry");
      }
    }
    return Optional.empty();
  }

  /** Checks 1 to 14 in order. */
  public static Outcome decide(Inputs in) {
    Request request = in.request();
    Optional<Outcome.Decline> cardDecline = cardChecks(request, in.card());
    if (cardDecline.isPresent()) {
      return cardDecline.get();
    }
    // 4. CVV2 / PIN when present.
    Verification v = in.verification();
    if (v.cvvMatches() != null && !v.cvvMatches()) {
      return new Outcome.Decline(DeclineReason.INVALID_CVV, "The CVV2 given does not match");
    }
    if (v.pin() != null) {
      switch (v.pin()) {
        case VERIFIED -> {}
        case INCORRECT, NOT_SET -> {
          return new Outcome.Decline(DeclineReason.INCORRECT_PIN, "The PIN is incorrect");
        }
        case TRIES_EXCEEDED -> {
          return new Outcome.Decline(
              DeclineReason.PIN_TRIES_EXCEEDED, "Three wrong PINs: PIN use is locked");
        }
      }
    }
    // 5. 3-D Secure when required.
    if (in.card().threeDsRequired()
        && request.channel() == Channel.ECOMMERCE
        && request.threeDs() == ThreeDs.FAILED) {
      return new Outcome.Decline(DeclineReason.THREE_DS_FAILED, "3-D Secure authentication failed");
    }
    // 6. Currency allowed and converted.
    SpendControls c = in.merged();
    if (c.allowedCurrencies() != null && !c.allowedCurrencies().contains(request.currency())) {
      return new Outcome.Decline(
          DeclineReason.CURRENCY_NOT_ALLOWED,
          request.currency()
              + " is not among the allowed currencies "
              + sorted(c.allowedCurrencies()));
    }
    if (in.conversion() == null) {
      return new Outcome.Decline(
          DeclineReason.CURRENCY_NOT_ALLOWED,
          "No rate converts " + request.currency() + " into " + in.card().accountCurrency());
    }
    long amount = in.conversion().cardAmount();
    String currency = in.card().accountCurrency();
    // 7. Per-transaction limit.
    if (c.perTransactionLimit() != null
        && c.perTransactionLimit() > 0
        && amount > c.perTransactionLimit()) {
      return new Outcome.Decline(
          DeclineReason.TRANSACTION_LIMIT_EXCEEDED,
          "Per-transaction limit "
              + Currencies.format(c.perTransactionLimit(), currency)
              + ", requested "
              + Currencies.format(amount, currency));
    }
    // 8. Windowed amount limits, then transaction-count velocity, level by level.
    for (LimitScope scope : in.scopes()) {
      for (SpendControls.WindowLimit limit : scope.controls().amountLimits()) {
        long spent = used(scope, limit.window()).amount();
        if (Math.addExact(spent, amount) > limit.limit()) {
          return new Outcome.Decline(
              windowReason(limit.window()),
              "%s %s limit %s, spent %s, requested %s"
                  .formatted(
                      capitalized(scope.label()),
                      adjective(limit.window()),
                      Currencies.format(limit.limit(), currency),
                      Currencies.format(spent, currency).replace(" " + currency, ""),
                      Currencies.format(amount, currency).replace(" " + currency, "")));
        }
      }
    }
    for (LimitScope scope : in.scopes()) {
      for (SpendControls.WindowLimit limit : scope.controls().countLimits()) {
        long count = used(scope, limit.window()).count();
        if (count + 1 > limit.limit()) {
          return new Outcome.Decline(
              DeclineReason.VELOCITY_COUNT_EXCEEDED,
              "%s allows %d transactions per %s; %d already"
                  .formatted(
                      capitalized(scope.label()), limit.limit(), limit.window().wire(), count));
        }
      }
    }
    // 9 to 12. Lists.
    Merchant m = request.merchant();
    if ((c.allowedMccs() != null && !c.allowedMccs().contains(m.mcc()))
        || (c.blockedMccs() != null && c.blockedMccs().contains(m.mcc()))) {
      return new Outcome.Decline(
          DeclineReason.MCC_BLOCKED, "MCC " + m.mcc() + " is blocked by the card's controls");
    }
    if ((c.allowedCountries() != null && !c.allowedCountries().contains(m.country()))
        || (c.blockedCountries() != null && c.blockedCountries().contains(m.country()))) {
      return new Outcome.Decline(
          DeclineReason.COUNTRY_BLOCKED,
          "Merchant country " + m.country() + " is blocked by the card's controls");
    }
    if ((c.allowedMerchantIds() != null && !c.allowedMerchantIds().contains(m.id()))
        || (c.blockedMerchantIds() != null && c.blockedMerchantIds().contains(m.id()))) {
      return new Outcome.Decline(
          DeclineReason.MERCHANT_BLOCKED,
          "Merchant " + m.id() + " is blocked by the card's controls");
    }
    if ((c.allowedChannels() != null && !c.allowedChannels().contains(request.channel()))
        || (c.blockedChannels() != null && c.blockedChannels().contains(request.channel()))) {
      return new Outcome.Decline(
          DeclineReason.CHANNEL_BLOCKED,
          "Channel " + request.channel().wire() + " is blocked by the card's controls");
    }
    // 13. Available balance.
    if (amount > in.availableMinor()) {
      return new Outcome.Decline(
          DeclineReason.INSUFFICIENT_FUNDS,
          "Available "
              + Currencies.format(Math.max(0, in.availableMinor()), currency)
              + ", requested "
              + Currencies.format(amount, currency));
    }
    // 14. Risk rules.
    if (in.recentDeclines() >= RISK_DECLINES_MAX) {
      return new Outcome.Decline(
          DeclineReason.RISK_RULE,
          in.recentDeclines()
              + " attempts with a wrong CVV2 or expiry on this card in the last "
              + RISK_WINDOW_MINUTES
              + " minutes look like card testing");
    }
    return new Outcome.Pass(amount);
  }

  /** The decline reason of a windowed amount limit. */
  public static DeclineReason windowReason(Window window) {
    return switch (window) {
      case DAY -> DeclineReason.DAILY_LIMIT_EXCEEDED;
      case WEEK -> DeclineReason.WEEKLY_LIMIT_EXCEEDED;
      case MONTH -> DeclineReason.MONTHLY_LIMIT_EXCEEDED;
      case LIFETIME -> DeclineReason.LIFETIME_LIMIT_EXCEEDED;
    };
  }

  private static String adjective(Window window) {
    return switch (window) {
      case DAY -> "daily";
      case WEEK -> "weekly";
      case MONTH -> "monthly";
      case LIFETIME -> "lifetime";
    };
  }

  private static Used used(LimitScope scope, Window window) {
    return scope.usage().getOrDefault(scope.windowKeys().get(window), new Used(0, 0));
  }

  private static Optional<Outcome.Decline> decline(DeclineReason reason, String explanation) {
    return Optional.of(new Outcome.Decline(reason, explanation));
  }

  private static String capitalized(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static List<String> sorted(java.util.Set<String> values) {
    return values.stream().sorted().toList();
  }
}
