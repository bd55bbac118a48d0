package dev.cardos.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.controls.SpendControls;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CardPagesTest {

  @ParameterizedTest
  @CsvSource({
    "0, 2500, 0",
    "1234, 2500, 49",
    "2500, 2500, 100",
    "9000, 2500, 100",
    "5, 50, 10",
    "1, 3, 33",
    "999999999999999999, 1000000000000000000, 99"
  })
  void drawsSpendAsAWholePercentOfItsScaleWithoutOverflow(long amount, long scale, int percent) {
    assertThat(CardPages.percent(amount, scale)).isEqualTo(percent);
  }

  @Test
  void changingLimitsKeepsEveryOtherControl() {
    SpendControls before =
        new SpendControls(
            100L,
            200L,
            null,
            null,
            5_000L,
            3,
            null,
            null,
            null,
            null,
            Set.of("7995"),
            null,
            Set.of("RU"),
            null,
            null,
            null,
            null,
            null);
    SpendControls after =
        CardPages.withLimits(
            before,
            Map.of("per_transaction_limit", "25.00", "daily_limit", "", "weekly_limit", "70"),
            "USD");
    assertThat(after.perTransactionLimit()).isEqualTo(2_500L);
    assertThat(after.dailyLimit()).isNull();
    assertThat(after.weeklyLimit()).isEqualTo(7_000L);
    assertThat(after.monthlyLimit()).isNull();
    assertThat(after.lifetimeLimit()).isEqualTo(5_000L);
    assertThat(after.dailyCount()).isEqualTo(3);
    assertThat(after.blockedMccs()).containsExactly("7995");
    assertThat(after.blockedCountries()).containsExactly("RU");
  }
}
