package dev.cardos.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Minor units as ISO 4217 (List One) gives them. The JDK 25 data agrees for every code below; it
 * disagrees elsewhere: it has no UYW (ISO: 4 decimals), and it still knows withdrawn codes such as
 * DEM, FRF and HRK (see the disabled test).
 */
class CurrenciesTest {

  @ParameterizedTest(name = "{0} has {1} decimals")
  @CsvSource({
    "USD, 2", "EUR, 2", "GBP, 2", "JPY, 0", "KRW, 0", "ISK, 0", "CLP, 0", "XOF, 0", "BHD, 3",
    "KWD, 3", "JOD, 3", "OMR, 3", "TND, 3", "CLF, 4",
  })
  void exponentIsTheIso4217MinorUnit(String code, int exponent) {
    assertThat(Currencies.isValid(code)).isTrue();
    assertThat(Currencies.exponent(code)).isEqualTo(exponent);
  }

  @ParameterizedTest(name = "\"{0}\" is not a currency with a minor unit")
  @NullSource
  @ValueSource(
      strings = {
        "XAU", "XAG", "XPT", "XDR", "XTS", "XXX", "usd", "Usd", "US", "USDD", "", " USD", "U5D",
        "ABC"
      })
  void codesWithoutAMinorUnitOrNotIso4217AreInvalid(String code) {
    assertThat(Currencies.isValid(code)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"XAU", "XXX", "XDR"})
  void exponentRefusesACodeWithoutAMinorUnit(String code) {
    assertThatThrownBy(() -> Currencies.exponent(code))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(code);
  }

  @Test
  void requireReturnsAValidCode() {
    assertThat(Currencies.require("BHD", "currency")).isEqualTo("BHD");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"XAU", "usd", "US"})
  void requireRefusesAnInvalidCodeNamingTheField(String code) {
    Problem problem =
        catchThrowableOfType(Problem.class, () -> Currencies.require(code, "rules[0].currency"));

    assertThat(problem).as("a refusal").isNotNull();
    assertThat(problem.code()).isEqualTo(ProblemCode.VALIDATION_FAILED);
    assertThat(problem.fieldErrors())
        .singleElement()
        .extracting(Problem.FieldError::field)
        .isEqualTo("rules[0].currency");
  }

  @ParameterizedTest
  @ValueSource(strings = {"DEM", "FRF", "ITL", "ESP", "HRK", "MRO", "STD", "BYR"})
  void withdrawnCurrenciesAreInvalid(String code) {
    assertThat(Currencies.isValid(code)).isFalse();
  }
}
