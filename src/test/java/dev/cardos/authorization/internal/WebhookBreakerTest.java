package dev.cardos.authorization.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The decision webhook's circuit breaker, on a clock of our own (nanoseconds from any origin). */
class WebhookBreakerTest {

  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  /** Any origin: {@code System.nanoTime()} may be negative. */
  private long now = -5 * SECOND;

  private final DecisionWebhooks.Breaker breaker = new DecisionWebhooks.Breaker();

  private void failTimes(int n) {
    for (int i = 0; i < n; i++) {
      assertThat(breaker.allows(now)).isTrue();
      breaker.failed(now);
    }
  }

  @Test
  void fiveFailuresInARowOpenItForOneSecondThenOneProbeGoesThrough() {
    failTimes(4);
    assertThat(breaker.allows(now)).as("four failures leave it closed").isTrue();
    breaker.failed(now);

    assertThat(breaker.allows(now)).isFalse();
    now += SECOND - 1;
    assertThat(breaker.allows(now)).isFalse();
    now += 1;
    assertThat(breaker.allows(now)).as("the probe").isTrue();
    assertThat(breaker.allows(now)).as("only one probe at a time").isFalse();
    breaker.succeeded();
    assertThat(breaker.allows(now)).isTrue();
    assertThat(breaker.allows(now)).isTrue();
  }

  @Test
  void eachFailedProbeDoublesTheTimeOpenUpToThirtySeconds() {
    failTimes(5);
    long[] expected = {1, 2, 4, 8, 16, 30, 30};
    for (int i = 0; i < expected.length; i++) {
      long openFor = expected[i] * SECOND;
      now += openFor - 1;
      assertThat(breaker.allows(now)).as("still open %d s after opening", expected[i]).isFalse();
      now += 1;
      assertThat(breaker.allows(now)).as("probe after %d s", expected[i]).isTrue();
      breaker.failed(now);
    }
  }

  @Test
  void callsInFlightThatFailAfterItOpenedDoNotKeepItOpenLonger() {
    failTimes(5);
    for (int i = 0; i < 11; i++) {
      breaker.failed(now + i);
    }
    now += SECOND;
    assertThat(breaker.allows(now)).isTrue();
  }

  @Test
  void aSuccessfulProbeClosesItAndTheNextOpeningIsShortAgain() {
    failTimes(5);
    now += SECOND;
    assertThat(breaker.allows(now)).isTrue();
    breaker.failed(now);
    now += 2 * SECOND;
    assertThat(breaker.allows(now)).isTrue();
    breaker.succeeded();

    failTimes(5);
    now += SECOND;
    assertThat(breaker.allows(now)).as("open for one second again, not four").isTrue();
  }

  @Test
  void aProbeThatNeverReachedTheEndpointLetsTheNextCallProbe() {
    failTimes(5);
    now += SECOND;
    assertThat(breaker.allows(now)).isTrue();
    breaker.abandoned();
    assertThat(breaker.allows(now)).isTrue();
  }
}
