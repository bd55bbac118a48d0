package dev.cardos.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class AmountsTest {

  private static final BigDecimal HUNDRED = new BigDecimal("100");

  private static Problem refusal(Runnable call, String field) {
    Problem problem = catchThrowableOfType(Problem.class, call::run);
    assertThat(problem).as("a refusal").isNotNull();
    assertThat(problem.code()).isEqualTo(ProblemCode.VALIDATION_FAILED);
    assertThat(problem.fieldErrors())
        .singleElement()
        .extracting(Problem.FieldError::field)
        .isEqualTo(field);
    assertThat(problem.detail()).contains(field);
    return problem;
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(longs = {0, -1, Long.MIN_VALUE, 1_000_000_000_000_001L, Long.MAX_VALUE})
  void requirePositiveRefusesNullNonPositiveAndAboveTenToTheFifteenthNamingTheField(Long amount) {
    refusal(() -> Amounts.requirePositive(amount, "amount"), "amount");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 1250, 1_000_000_000_000_000L})
  void requirePositiveAcceptsOneUpToTenToTheFifteenth(long amount) {
    assertThat(Amounts.requirePositive(amount, "amount")).isEqualTo(amount);
  }

  @Test
  void requirePositiveSaysWhyForEachRefusal() {
    assertThat(refusal(() -> Amounts.requirePositive(null, "amount"), "amount").detail())
        .contains("required");
    assertThat(refusal(() -> Amounts.requirePositive(0L, "amount"), "amount").detail())
        .contains("positive");
    assertThat(
            refusal(() -> Amounts.requirePositive(Amounts.AMOUNT_MAX + 1, "amount"), "amount")
                .detail())
        .contains(String.valueOf(Amounts.AMOUNT_MAX));
  }

  @ParameterizedTest(name = "\"{0}\" is refused")
  @NullSource
  @ValueSource(
      strings = {
        "abc",
        "",
        " 1.5",
        "1.5 ",
        "1,5",
        "NaN",
        "Infinity",
        "0x10",
        "-1",
        "-0.0001",
        "1.23456",
        "0.00001",
        "100.0001",
        "101"
      })
  void decimalRefusesTextThatIsNotANonNegativeDecimalWithinScaleAndMax(String text) {
    refusal(() -> Amounts.decimal(text, "rules[0].percent", 4, HUNDRED), "rules[0].percent");
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource({
    "1.5,       1.5",
    "1.50,      1.5",
    "1.500000,  1.5", // trailing zeros do not count against the four decimals allowed
    "0.0001,    0.0001",
    "100,       100",
    "100.0000,  100",
    "0,         0",
    "0.000,     0",
  })
  void decimalAcceptsAndStripsTrailingZeros(String text, String plain) {
    BigDecimal value = Amounts.decimal(text, "rules[0].percent", 4, HUNDRED);

    assertThat(value.toPlainString()).isEqualTo(plain);
    assertThat(value).isEqualByComparingTo(new BigDecimal(plain));
    assertThat(value.toString()).as("never exponent notation").isEqualTo(plain);
  }

  @Test
  void decimalStripsTrailingZerosSoEqualValuesAreEqual() {
    assertThat(Amounts.decimal("1.50", "rate", 12, HUNDRED))
        .isEqualTo(Amounts.decimal("1.5", "rate", 12, HUNDRED))
        .isEqualTo(new BigDecimal("1.5"));
  }

  @Test
  void decimalSaysWhyForEachRefusal() {
    assertThat(refusal(() -> Amounts.decimal("abc", "rate", 4, HUNDRED), "rate").detail())
        .contains("decimal");
    assertThat(refusal(() -> Amounts.decimal("-1", "rate", 4, HUNDRED), "rate").detail())
        .contains("negative");
    assertThat(refusal(() -> Amounts.decimal("1.23456", "rate", 4, HUNDRED), "rate").detail())
        .contains("4 decimal places");
    assertThat(refusal(() -> Amounts.decimal("100.5", "rate", 4, HUNDRED), "rate").detail())
        .contains("at most 100");
  }
}
