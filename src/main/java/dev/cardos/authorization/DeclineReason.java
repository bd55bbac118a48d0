package dev.cardos.authorization;

import java.util.Locale;

/**
 * Why an authorization was declined, in the order SPEC §5 checks, with the ISO 8583 response code
 * (DE39) the network receives. The wire names and codes are public API, documented in
 * docs/decline-reasons.md.
 */
public enum DeclineReason {
  CARD_NOT_FOUND("14", "No card has this number"),
  CARD_FROZEN("62", "The card is frozen"),
  CARD_BLOCKED("62", "The card is blocked"),
  CARD_TERMINATED("62", "The card is terminated"),
  CARD_EXPIRED("54", "The card has expired"),
  CARD_INACTIVE("62", "The card is not active yet (pending activation or under review)"),
  EXPIRY_MISMATCH("54", "The expiry date given does not match the card's"),
  INVALID_CVV("05", "The CVV2 given does not match the card's"),
  INCORRECT_PIN("55", "The PIN is incorrect"),
  PIN_TRIES_EXCEEDED("75", "Too many wrong PINs: PIN use is locked until a new PIN is set"),
  THREE_DS_FAILED("05", "3-D Secure authentication failed"),
  CURRENCY_NOT_ALLOWED("57", "The currency is not allowed or cannot be converted"),
  TRANSACTION_LIMIT_EXCEEDED("61", "The amount exceeds the per-transaction limit"),
  DAILY_LIMIT_EXCEEDED("61", "The amount would exceed the daily limit"),
  WEEKLY_LIMIT_EXCEEDED("61", "The amount would exceed the weekly limit"),
  MONTHLY_LIMIT_EXCEEDED("61", "The amount would exceed the monthly limit"),
  LIFETIME_LIMIT_EXCEEDED("61", "The amount would exceed the lifetime limit"),
  VELOCITY_COUNT_EXCEEDED("65", "Too many transactions in the window"),
  MCC_BLOCKED("57", "The merchant category is not allowed"),
  COUNTRY_BLOCKED("57", "The merchant's country is not allowed"),
  MERCHANT_BLOCKED("57", "The merchant is not allowed"),
  CHANNEL_BLOCKED("57", "The channel (pos, ecommerce, atm, moto) is not allowed"),
  INSUFFICIENT_FUNDS("51", "The available balance does not cover the amount"),
  RISK_RULE("05", "A risk rule declined the payment"),
  WEBHOOK_DECLINED("05", "The tenant's decision webhook declined"),
  WEBHOOK_TIMEOUT("91", "The tenant's decision webhook did not answer within its budget"),
  WEBHOOK_ERROR("91", "The tenant's decision webhook failed or answered malformed JSON");

  private final String responseCode;
  private final String meaning;

  DeclineReason(String responseCode, String meaning) {
    this.responseCode = responseCode;
    this.meaning = meaning;
  }

  /** ISO 8583 DE39. */
  public String responseCode() {
    return responseCode;
  }

  public String meaning() {
    return meaning;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeclineReason fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
