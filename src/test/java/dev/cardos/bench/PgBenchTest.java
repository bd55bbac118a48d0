package dev.cardos.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PgBenchTest {

  @Test
  void aTransactionsLatencyCountsFromWhenItWasDue() {
    Histogram latencies = new Histogram(3_600_000_000L, 3);

    // client 0, transaction 1: took 2,318 µs and started 6,237 µs behind its schedule.
    PgBench.recordLatency("0 1 2318 0 1796661731 785535 6237", latencies);
    PgBench.recordLatency("3 7 900 0 1796661731 803099 100\n", latencies);

    assertThat(latencies.getTotalCount()).isEqualTo(2);
    assertThat(latencies.getMaxValue()).isEqualTo(latencies.highestEquivalentValue(8_555));
    assertThat(latencies.getMinValue()).isEqualTo(latencies.lowestEquivalentValue(1_000));
  }

  @Test
  void aLineWithoutTheScheduleLagIsNotALatency() {
    Histogram latencies = new Histogram(3_600_000_000L, 3);

    // A closed-loop log line has no lag: its time alone would understate an open loop's latency.
    assertThatThrownBy(() -> PgBench.recordLatency("0 1 2318 0 1796661731 785535", latencies))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--rate");
    assertThatThrownBy(
            () -> PgBench.recordLatency("0 1 skipped 0 1796661731 785535 6237", latencies))
        .isInstanceOf(NumberFormatException.class);
    assertThat(latencies.getTotalCount()).isZero();
  }
}
