package dev.cardos.shared;

import java.util.Currency;

/**
 * ISO 4217 currencies and their minor units (USD 2, JPY 0, BHD 3). Codes without a minor unit
 * (gold, SDR, "no currency") are refused: an amount in them cannot be an integer of minor units.
 */
public final class Currencies {

  /**
   * Codes the JDK still knows but ISO 4217 has withdrawn (the euro's predecessors, redenominated
   * currencies) or that are not money (the test code).
   */
  private static final java.util.Set<String> WITHDRAWN =
      java.util.Set.of(
          "ADP", "AFA", "ATS", "AYM", "AZM", "BEF", "BGL", "BYB", "BYR", "CSD", "CUC", "CYP", "DEM",
          "EEK", "ESP", "FIM", "FRF", "GHC", "GRD", "GWP", "HRK", "IEP", "ITL", "LTL", "LUF", "LVL",
          "MGF", "MRO", "MTL", "MZM", "NLG", "PTE", "ROL", "RUR", "SDD", "SIT", "SKK", "SLL", "SRG",
          "STD", "TMM", "TPE", "TRL", "VEB", "VEF", "XFO", "XFU", "XTS", "YUM", "ZMK", "ZWD", "ZWN",
          "ZWR");

  private Currencies() {}

  /** Whether {@code code} is an ISO 4217 currency with a defined minor unit. */
  public static boolean isValid(String code) {
    if (code == null || !code.matches("[A-Z]{3}") || WITHDRAWN.contains(code)) {
      return false;
    }
    try {
      return Currency.getInstance(code).getDefaultFractionDigits() >= 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Refuses a code that is not an ISO 4217 currency with a minor unit, naming the field. */
  public static String require(String code, String field) {
    if (!isValid(code)) {
      throw Problem.invalidField(field, "must be an ISO 4217 currency code such as USD");
    }
    return code;
  }

  /** {@code 48000} USD as {@code "480.00 USD"}, for explanations people read. */
  public static String format(long minor, String code) {
    return java.math.BigDecimal.valueOf(minor, exponent(code)).toPlainString() + " " + code;
  }

  /** Digits after the decimal point in this currency's minor unit. */
  public static int exponent(String code) {
    int digits = Currency.getInstance(code).getDefaultFractionDigits();
    if (digits < 0) {
      throw new IllegalArgumentException(code + " has no minor unit");
    }
    return digits;
  }
}
