package dev.cardos.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PgBenchTest {

  @Test
  void aTransactionsLatencyIsItsLoggedTimeWhichCountsFromWhenItWasDue() {
    Histogram latencies = new Histogram(3_600_000_000L, 3);

    // client 0, transaction 1: 2,318 µs from when it was scheduled, of which it spent 1,237 µs
    // waiting to start (pgbench's own lag, already inside the 2,318: not added again).
    PgBench.recordLatency("0 1 2318 0 1796661731 785535 1237", latencies);
    PgBench.recordLatency("3 7 900 0 1796661731 803099 100\n", latencies);

    assertThat(latencies.getTotalCount()).isEqualTo(2);
    assertThat(latencies.getMaxValue()).isEqualTo(latencies.highestEquivalentValue(2_318));
    assertThat(latencies.getMinValue()).isEqualTo(latencies.lowestEquivalentValue(900));
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
