package dev.cardos.funding.internal;

import dev.cardos.shared.Currencies;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Fee and FX arithmetic: the only place money meets {@code BigDecimal}. Every result is rounded
 * half-up to the target currency's minor unit, once, at the end.
 */
final class Pricing {

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final BigDecimal BPS = BigDecimal.valueOf(10_000);

  private Pricing() {}

  /** {@code percent} % of an amount in minor units, rounded half-up. */
  static long percentOf(long amountMinor, BigDecimal percent) {
    return BigDecimal.valueOf(amountMinor)
        .multiply(percent)
        .divide(HUNDRED, 0, RoundingMode.HALF_UP)
        .longValueExact();
  }

  /** A fixed fee plus a percentage of the amount. */
  static long fee(long amountMinor, long fixedMinor, BigDecimal percent) {
    return Math.addExact(fixedMinor, percentOf(amountMinor, percent));
  }

  /**
   * A conversion: {@code grossMinor} at the mid rate, {@code markupMinor} kept as FX revenue,
   * {@code netMinor} credited. {@code effectiveRate} is the mid rate less the markup.
   */
  record Conversion(
      long grossMinor,
      long markupMinor,
      long netMinor,
      BigDecimal midRate,
      BigDecimal effectiveRate) {}

  /**
   * Converts {@code amountMinor} of {@code from} into {@code to} at {@code midRate} (units of
   * {@code to} per unit of {@code from}) less {@code markupBps} basis points.
   */
  static Conversion convert(
      long amountMinor, String from, String to, BigDecimal midRate, int markupBps) {
    int shift = Currencies.exponent(to) - Currencies.exponent(from);
    long gross =
        BigDecimal.valueOf(amountMinor)
            .multiply(midRate)
            .scaleByPowerOfTen(shift)
            .setScale(0, RoundingMode.HALF_UP)
            .longValueExact();
    long markup =
        BigDecimal.valueOf(gross)
            .multiply(BigDecimal.valueOf(markupBps))
            .divide(BPS, 0, RoundingMode.HALF_UP)
            .longValueExact();
    // Dividing by 10^4 is always exact: the effective rate is never rounded.
    BigDecimal effective =
        midRate
            .multiply(BPS.subtract(BigDecimal.valueOf(markupBps)))
            .divide(BPS)
            .stripTrailingZeros();
    return new Conversion(gross, markup, Math.subtractExact(gross, markup), midRate, effective);
  }
}
