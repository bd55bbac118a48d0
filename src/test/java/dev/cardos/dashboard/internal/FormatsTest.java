package dev.cardos.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cardos.shared.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FormatsTest {

  @ParameterizedTest
  @CsvSource({
    "25, USD, 2500",
    "25.5, USD, 2550",
    "25.50, USD, 2550",
    "0.01, USD, 1",
    "'1,000.00', USD, 100000",
    "1000, JPY, 1000",
    "1.234, KWD, 1234"
  })
  void readsMajorUnitsAsExactMinorUnits(String typed, String currency, long minor) {
    assertThat(Formats.parseMinor(typed, currency, "amount")).isEqualTo(minor);
  }

  @ParameterizedTest
  @ValueSource(strings = {"25.505", "-1", "1e3", "abc", "25.", ".5", "12345678901234"})
  void refusesWhatIsNotAnAmountNamingTheField(String typed) {
    assertThatThrownBy(() -> Formats.parseMinor(typed, "USD", "daily_limit"))
        .isInstanceOfSatisfying(
            Problem.class,
            p ->
                assertThat(p.fieldErrors())
                    .extracting(Problem.FieldError::field)
                    .containsExactly("daily_limit"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void readsBlankAsNoLimit(String typed) {
    assertThat(Formats.parseMinor(typed, "USD", "daily_limit")).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "card_frozen, The card is frozen",
    "insufficient_funds, The available balance does not cover the amount"
  })
  void namesDeclineReasonsInWords(String wire, String words) {
    assertThat(new Formats().reason(wire)).isEqualTo(words);
  }
}
