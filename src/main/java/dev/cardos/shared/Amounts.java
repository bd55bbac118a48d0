package dev.cardos.shared;

import java.math.BigDecimal;

/** Bounds on amounts and decimals accepted from requests. */
public final class Amounts {

  /** The largest amount accepted in one request, in minor units (10^15). */
  public static final long AMOUNT_MAX = 1_000_000_000_000_000L;

  private Amounts() {}

  /** Refuses an amount that is not a positive number of minor units within bounds. */
  public static long requirePositive(Long amount, String field) {
    if (amount == null) {
      throw Problem.invalidField(field, "is required");
    }
    if (amount <= 0) {
      throw Problem.invalidField(field, "must be a positive integer of minor units");
    }
    if (amount > AMOUNT_MAX) {
      throw Problem.invalidField(field, "must be at most " + AMOUNT_MAX);
    }
    return amount;
  }

  /**
   * Parses a decimal given as a string ({@code "1.5"}), refusing anything else, negative values,
   * more than {@code scaleMax} decimals, or more than {@code max}.
   */
  public static BigDecimal decimal(String text, String field, int scaleMax, BigDecimal max) {
    if (text == null) {
      throw Problem.invalidField(field, "is required");
    }
    if (!text.matches("-?[0-9]+(\\.[0-9]+)?")) {
      throw Problem.invalidField(
          field, "must be a decimal number written as a string, like \"1.5\"");
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw Problem.invalidField(field, "must be a decimal number written as a string");
    }
    if (value.signum() < 0) {
      throw Problem.invalidField(field, "must not be negative");
    }
    if (value.stripTrailingZeros().scale() > scaleMax) {
      throw Problem.invalidField(field, "may have at most " + scaleMax + " decimal places");
    }
    if (value.compareTo(max) > 0) {
      throw Problem.invalidField(field, "must be at most " + max.toPlainString());
    }
    BigDecimal stripped = value.stripTrailingZeros();
    // "10" stays 10, not 1E+1.
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }
}
