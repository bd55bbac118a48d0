package dev.cardos.funding.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cardos.shared.Currencies;
import java.math.BigDecimal;
import java.math.RoundingMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PricingTest {

  @ParameterizedTest(name = "{1} % of {0} = {2}")
  @CsvSource({
    // amount, percent, expected (exact value in the comment)
    "10000, 1.5,      150", // 150
    "10000, 0,        0",
    "0,     1.5,      0",
    "10000, 100,      10000",
    "1,     50,       1", // 0.5: half rounds up (HALF_EVEN and HALF_DOWN give 0)
    "10000, 0.005,    1", // 0.5
    "5,     50,       3", // 2.5: half rounds up, not to even
    "3,     50,       2", // 1.5
    "10000, 0.004999, 0", // 0.4999 rounds down (CEILING would give 1)
    "10000, 0.0051,   1", // 0.51
    "333,   1.5,      5", // 4.995
    "1,     49.99,    0", // 0.4999
    "1000000000000000, 100, 1000000000000000",
  })
  void percentOfRoundsHalfUpToAWholeMinorUnit(long amount, BigDecimal percent, long expected) {
    assertThat(Pricing.percentOf(amount, percent)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "fee on {0}: {1} + {2} % = {3}, net {4}")
  @CsvSource({
    // amount, fixed, percent, fee, net (amount - fee)
    "10000, 1000, 1.5,    1150, 8850", // 1000 + 150
    "10000, 0,    1.5,    150,  9850",
    "10000, 1000, 0,      1000, 9000",
    "10000, 0,    0,      0,    10000",
    "10000, 25,   0.005,  26,   9974", // 25 + 0.5 rounded up
    "10000, 25,   0.0049, 25,   9975", // 25 + 0.49 rounded down
    "1,     0,    50,     1,    0", // 0.5 rounded up
  })
  void feeIsTheFixedPartPlusTheRoundedPercentage(
      long amount, long fixed, BigDecimal percent, long fee, long net) {
    long charged = Pricing.fee(amount, fixed, percent);

    assertThat(charged).isEqualTo(fee);
    assertThat(amount - charged).isEqualTo(net);
  }

  @Test
  void feeThatOverflowsALongThrowsInsteadOfWrapping() {
    assertThatThrownBy(() -> Pricing.fee(10_000, Long.MAX_VALUE, new BigDecimal("1")))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void feeRuleWithoutFixedOrPercentChargesOnlyWhatItHas() {
    FeeRule percentOnly =
        new FeeRule(FeeRule.Kind.TRANSFER, null, "USD", null, new BigDecimal("1.5"), null);
    FeeRule fixedOnly = new FeeRule(FeeRule.Kind.TRANSFER, null, "USD", 1000L, null, null);

    assertThat(percentOnly.feeOn(10_000)).isEqualTo(150);
    assertThat(fixedOnly.feeOn(10_000)).isEqualTo(1000);
  }

  /**
   * Expected values worked by hand: {@code gross = round_half_up(amount × rate × 10^(exp_to −
   * exp_from))}, {@code effective = rate × (10000 − bps) / 10000}, {@code net =
   * round_half_up(amount × effective × 10^(exp_to − exp_from))} (the amount at the recorded rate,
   * rounded once), {@code markup = gross − net}. Exponents: USD 2, EUR 2, JPY 0, BHD 3.
   */
  @ParameterizedTest(name = "{0} {1} -> {2} at {3} less {4} bps: gross {5}, markup {6}, net {7}")
  @CsvSource({
    // amount, from, to, rate, bps, gross, markup, net, effective rate
    // USD -> JPY (2 -> 0): 10000 x 151.237 / 100 = 15123.7 -> 15124
    "10000, USD, JPY, 151.237, 0, 15124, 0, 15124, 151.237",
    "10000, USD, JPY, 151.237, 50, 15124, 76, 15048, 150.480815", // markup 75.62
    "10000, USD, JPY, 151.237, 75, 15124, 114, 15010, 150.1027225", // net at the effective rate
    // rounded once (was 113 by
    // rounding the markup)
    "150, USD, JPY, 147, 0, 221, 0, 221, 147", // gross 220.5: half up, not to even
    "1, USD, JPY, 50, 0, 1, 0, 1, 50", // gross 0.5: half up
    "100, USD, JPY, 100, 50, 100, 0, 100, 99.5", // net at the effective rate rounded once (was 1 by
    // rounding the markup)
    "500, USD, JPY, 100, 50, 500, 2, 498, 99.5", // net at the effective rate rounded once (was 3 by
    // rounding the markup)
    "200, USD, JPY, 150, 50, 300, 1, 299, 149.25", // net at the effective rate rounded once (was 2
    // by rounding the markup)
    "133, USD, JPY, 150.375, 75, 200, 2, 198, 149.2471875", // gross 199.99875, markup 1.5
    // USD -> BHD (2 -> 3): 10000 x 0.376 x 10 = 37600
    "10000, USD, BHD, 0.376, 0, 37600, 0, 37600, 0.376",
    "10000, USD, BHD, 0.376, 50, 37600, 188, 37412, 0.37412",
    "10000, USD, BHD, 0.376, 75, 37600, 282, 37318, 0.37318",
    "1, USD, BHD, 0.376, 50, 4, 0, 4, 0.37412", // gross 3.76, markup 0.02
    "12345, USD, BHD, 0.37605, 75, 46423, 348, 46075, 0.373229625", // 46423.3725; 348.1725
    // JPY -> USD (0 -> 2): 10000 x 0.0066125 x 100 = 6612.5 -> 6613
    "10000, JPY, USD, 0.0066125, 0, 6613, 0, 6613, 0.0066125",
    "10000, JPY, USD, 0.0066125, 50, 6613, 34, 6579, 0.0065794375", // net at the effective rate
    // rounded once (was 33 by
    // rounding the markup)
    "10000, JPY, USD, 0.0066125, 75, 6613, 50, 6563, 0.00656290625", // markup 49.5975
    "7, JPY, USD, 0.0066125, 0, 5, 0, 5, 0.0066125", // gross 4.62875
    // BHD -> USD (3 -> 2): 1005 x 2.659574 / 10 = 267.287187; markup 1.335
    "1005, BHD, USD, 2.659574, 50, 267, 1, 266, 2.64627613",
    // JPY -> BHD (0 -> 3): 12345 x 0.00251 x 1000 = 30985.95; markup 154.93
    "12345, JPY, BHD, 0.00251, 50, 30986, 155, 30831, 0.00249745",
    // EUR -> USD (2 -> 2): 10825; markup 81.1875
    "10000, EUR, USD, 1.0825, 75, 10825, 81, 10744, 1.07438125",
  })
  void convertRoundsGrossAndMarkupHalfUpInTheTargetMinorUnit(
      long amount,
      String from,
      String to,
      BigDecimal rate,
      int bps,
      long gross,
      long markup,
      long net,
      String effective) {
    Pricing.Conversion conversion = Pricing.convert(amount, from, to, rate, bps);

    assertThat(conversion.grossMinor()).as("gross").isEqualTo(gross);
    assertThat(conversion.markupMinor()).as("markup").isEqualTo(markup);
    assertThat(conversion.netMinor()).as("net").isEqualTo(net);
    assertThat(conversion.midRate()).as("mid rate").isEqualTo(rate);
    assertThat(conversion.effectiveRate().toPlainString())
        .as("effective rate")
        .isEqualTo(effective);
  }

  @Test
  void convertThatOverflowsALongThrowsInsteadOfWrapping() {
    // The API accepts amounts up to 10^15 and rates up to 10^9: their product does not fit a long.
    assertThatThrownBy(
            () ->
                Pricing.convert(
                    1_000_000_000_000_000L, "USD", "JPY", new BigDecimal("1000000000"), 0))
        .isInstanceOf(ArithmeticException.class);
  }

  @ParameterizedTest(name = "{0} less {1} bps = {2}")
  @CsvSource({
    "12345.678901234567,    0,  12345.678901234567",
    "123456789.123456789012, 0,  123456789.123456789012",
    "123456789.123456789012, 50, 122839505.17783950506694",
  })
  void effectiveRateIsExactForEveryRateTheApiAccepts(
      BigDecimal rate, int bps, BigDecimal expected) {
    Pricing.Conversion conversion = Pricing.convert(100, "USD", "EUR", rate, bps);

    assertThat(conversion.effectiveRate()).isEqualByComparingTo(expected);
  }

  // Pairs whose exponent shift is at most +2, so 10^12 x 10^4 x 10^2 still fits a long.
  private static final String[][] PAIRS = {
    {"USD", "JPY"}, {"USD", "BHD"}, {"JPY", "USD"}, {"BHD", "USD"}, {"EUR", "USD"}, {"BHD", "JPY"}
  };

  @Provide
  Arbitrary<BigDecimal> rates() {
    return Arbitraries.integers()
        .between(4, 8)
        .flatMap(
            scale ->
                Arbitraries.bigDecimals()
                    .between(new BigDecimal("0.0001"), new BigDecimal("10000"))
                    .ofScale(scale));
  }

  @Property
  void grossIsTheExactProductWithinHalfAMinorUnitAndNetPlusMarkupIsGross(
      @ForAll @LongRange(min = 1, max = 1_000_000_000_000L) long amount,
      @ForAll("rates") BigDecimal rate,
      @ForAll @IntRange(min = 0, max = 5) int pair,
      @ForAll @IntRange(min = 0, max = 10_000) int bps) {
    String from = PAIRS[pair][0];
    String to = PAIRS[pair][1];
    BigDecimal exact =
        BigDecimal.valueOf(amount)
            .multiply(rate)
            .scaleByPowerOfTen(Currencies.exponent(to) - Currencies.exponent(from));

    Pricing.Conversion conversion = Pricing.convert(amount, from, to, rate, bps);

    BigDecimal error = exact.subtract(BigDecimal.valueOf(conversion.grossMinor()));
    assertThat(error.abs()).isLessThanOrEqualTo(new BigDecimal("0.5"));
    if (error.abs().compareTo(new BigDecimal("0.5")) == 0) {
      assertThat(error.signum()).as("a half rounds up").isNegative();
    }
    assertThat(conversion.netMinor() + conversion.markupMinor()).isEqualTo(conversion.grossMinor());
    assertThat(conversion.grossMinor()).isNotNegative();
    assertThat(conversion.markupMinor()).isNotNegative();
    assertThat(conversion.netMinor()).isNotNegative();
    BigDecimal atEffectiveRate =
        BigDecimal.valueOf(amount)
            .multiply(conversion.effectiveRate())
            .scaleByPowerOfTen(Currencies.exponent(to) - Currencies.exponent(from));
    assertThat(conversion.netMinor())
        .as("the credited amount is the amount at the recorded rate, rounded half-up once")
        .isEqualTo(atEffectiveRate.setScale(0, RoundingMode.HALF_UP).longValueExact());
  }
}
