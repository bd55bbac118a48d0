package dev.cardos.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

  private static Money usd(long minor) {
    return new Money(minor, "USD");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"XAU", "XXX", "usd", "US", ""})
  void moneyRefusesACurrencyWithoutAMinorUnit(String currency) {
    assertThatThrownBy(() -> new Money(100, currency)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"USD", "JPY", "BHD", "CLF"})
  void moneyAcceptsAnIso4217CurrencyWithAMinorUnit(String currency) {
    assertThat(new Money(1250, currency).currency()).isEqualTo(currency);
  }

  @ParameterizedTest(name = "{0} + {1} = {2}; {0} - {1} = {3}")
  @CsvSource({"1250, 750, 2000, 500", "0, 1, 1, -1", "-5, -5, -10, 0"})
  void plusAndMinusAreExactInTheSameCurrency(long a, long b, long sum, long difference) {
    assertThat(usd(a).plus(usd(b))).isEqualTo(usd(sum));
    assertThat(usd(a).minus(usd(b))).isEqualTo(usd(difference));
  }

  @Test
  void plusWithAnotherCurrencyThrowsNamingBoth() {
    IllegalArgumentException refusal =
        catchThrowableOfType(
            IllegalArgumentException.class, () -> usd(100).plus(new Money(100, "EUR")));

    assertThat(refusal).isNotNull();
    assertThat(refusal.getMessage()).contains("USD", "EUR");
  }

  @Test
  void minusWithAnotherCurrencyThrows() {
    assertThatThrownBy(() -> usd(100).minus(new Money(100, "JPY")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void plusThatOverflowsThrowsInsteadOfWrapping() {
    assertThatThrownBy(() -> usd(Long.MAX_VALUE).plus(usd(1)))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void minusThatOverflowsThrowsInsteadOfWrapping() {
    assertThatThrownBy(() -> usd(Long.MIN_VALUE).minus(usd(1)))
        .isInstanceOf(ArithmeticException.class);
  }

  @ParameterizedTest(name = "{0} is positive: {1}")
  @CsvSource({"1, true", "0, false", "-1, false", "9223372036854775807, true"})
  void onlyAmountsAboveZeroArePositive(long minor, boolean positive) {
    assertThat(usd(minor).isPositive()).isEqualTo(positive);
  }

  @Property
  void plusIsExactOrThrows(@ForAll long a, @ForAll long b) {
    BigDecimal exact = BigDecimal.valueOf(a).add(BigDecimal.valueOf(b));
    boolean fits =
        exact.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
            && exact.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0;

    if (fits) {
      assertThat(BigDecimal.valueOf(usd(a).plus(usd(b)).minor())).isEqualTo(exact);
    } else {
      assertThatThrownBy(() -> usd(a).plus(usd(b))).isInstanceOf(ArithmeticException.class);
    }
  }
}
