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
   * A conversion: {@code netMinor} credited, which is the amount at {@code effectiveRate} (the mid
   * rate less the markup) rounded half-up once; {@code grossMinor} the amount at the mid rate;
   * {@code markupMinor} the difference, kept as FX revenue.
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
    // Dividing by 10^4 is always exact: the effective rate is never rounded.
    BigDecimal effective =
        midRate
            .multiply(BPS.subtract(BigDecimal.valueOf(markupBps)))
            .divide(BPS)
            .stripTrailingZeros();
    // The credited amount is the amount at the recorded (effective) rate, rounded once; the
    // markup is whatever the mid rate would have given on top, so the posting balances exactly.
    long gross = toMinor(amountMinor, midRate, shift);
    long net = toMinor(amountMinor, effective, shift);
    return new Conversion(gross, Math.subtractExact(gross, net), net, midRate, effective);
  }

  /**
   * What paying {@code amountMinor} of {@code from} costs in {@code to}: the card is charged at the
   * mid rate plus the markup, {@code netMinor} being the amount at that effective rate rounded
   * half-up once, {@code markupMinor} what the markup added over the mid rate.
   */
  static Conversion charge(
      long amountMinor, String from, String to, BigDecimal midRate, int markupBps) {
    int shift = Currencies.exponent(to) - Currencies.exponent(from);
    BigDecimal effective =
        midRate.multiply(BPS.add(BigDecimal.valueOf(markupBps))).divide(BPS).stripTrailingZeros();
    long gross = toMinor(amountMinor, midRate, shift);
    long charged = toMinor(amountMinor, effective, shift);
    return new Conversion(gross, Math.subtractExact(charged, gross), charged, midRate, effective);
  }

  private static long toMinor(long amountMinor, BigDecimal rate, int shift) {
    return BigDecimal.valueOf(amountMinor)
        .multiply(rate)
        .scaleByPowerOfTen(shift)
        .setScale(0, RoundingMode.HALF_UP)
        .longValueExact();
  }
}
