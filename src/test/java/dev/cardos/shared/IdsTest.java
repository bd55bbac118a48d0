package dev.cardos.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

  private static final Instant START = Instant.parse("2026-03-01T12:00:00.123Z");
  private static final String CROCKFORD_BODY = "[0-9A-HJKMNP-TV-Z]{26}";

  /** A clock that stands still until the test moves it. */
  static final class ManualClock extends Clock {
    private long millis;

    ManualClock(Instant start) {
      this.millis = start.toEpochMilli();
    }

    void advanceMillis(long delta) {
      millis += delta;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the ids only read millis");
    }
  }

  @Test
  void anIdIsThePrefixFollowedByTwentySixCrockfordBase32Characters() {
    String id = new Ids(Clock.fixed(START, ZoneOffset.UTC)).next("ch_");

    assertThat(id).matches("ch_" + CROCKFORD_BODY);
    assertThat(Ids.isValid(id, "ch_")).isTrue();
  }

  @Test
  void theFirstTenCharactersEncodeTheMillisecondsSinceTheEpoch() {
    // The ULID specification's example: 1469918176385 ms is 01ARYZ6S41.
    Ids ids = new Ids(Clock.fixed(Instant.ofEpochMilli(1_469_918_176_385L), ZoneOffset.UTC));
    assertThat(ids.next("x_").substring(2, 12)).isEqualTo("01ARYZ6S41");

    Ids atEpoch = new Ids(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    assertThat(atEpoch.next("x_").substring(2, 12)).isEqualTo("0000000000");
  }

  @Test
  void tenThousandIdsInOneMillisecondAreDistinctAndStrictlyIncreasing() {
    Ids ids = new Ids(Clock.fixed(START, ZoneOffset.UTC));
    List<String> generated = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      generated.add(ids.next("ch_"));
    }

    assertThat(new HashSet<>(generated)).hasSize(10_000);
    for (int i = 1; i < generated.size(); i++) {
      assertThat(generated.get(i)).isGreaterThan(generated.get(i - 1));
    }
  }

  @Test
  void anIdFromALaterMillisecondSortsAfterEveryEarlierOne() {
    ManualClock clock = new ManualClock(START);
    Ids ids = new Ids(clock);
    List<String> earlier = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      earlier.add(ids.next("ch_"));
    }
    clock.advanceMillis(1);

    String later = ids.next("ch_");

    assertThat(earlier).allSatisfy(id -> assertThat(later).isGreaterThan(id));
    assertThat(later.substring(3, 13)).isGreaterThan(earlier.getLast().substring(3, 13));
  }

  @Test
  void idsKeepIncreasingWhenTheClockStepsBack() {
    ManualClock clock = new ManualClock(START);
    Ids ids = new Ids(clock);
    String before = ids.next("ch_");
    clock.advanceMillis(-5_000);

    String after = ids.next("ch_");

    assertThat(after).isGreaterThan(before);
  }

  @Test
  void aPrefixWithoutAnUnderscoreIsRefused() {
    Ids ids = new Ids(Clock.fixed(START, ZoneOffset.UTC));

    assertThatThrownBy(() -> ids.next("ch"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'_'");
  }

  @Test
  void isValidRefusesAnIdWithAnotherPrefix() {
    String id = new Ids(Clock.fixed(START, ZoneOffset.UTC)).next("ch_");

    assertThat(Ids.isValid(id, "ten_")).isFalse();
    assertThat(Ids.isValid(id.substring(3), "ch_")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 25, 27, 40})
  void isValidRefusesABodyThatIsNotTwentySixCharactersLong(int length) {
    assertThat(Ids.isValid("ch_" + "0".repeat(length), "ch_")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"I", "L", "O", "U", "i", "-", "_"})
  void isValidRefusesCharactersOutsideCrockfordBase32(String letter) {
    String valid = "01ARYZ6S41TSV4RRFFQ69G5FA";

    assertThat(Ids.isValid("ch_" + valid + "V", "ch_")).isTrue();
    assertThat(Ids.isValid("ch_" + valid + letter, "ch_")).isFalse();
    assertThat(Ids.isValid("ch_" + letter + valid, "ch_")).isFalse();
  }

  @Test
  void isValidRefusesNull() {
    assertThat(Ids.isValid(null, "ch_")).isFalse();
  }

  @Property
  void anySequenceOfGeneratedIdsIsStrictlySorted(
      @ForAll @Size(min = 1, max = 200) List<@IntRange(min = -3, max = 3) Integer> clockStepsMs) {
    ManualClock clock = new ManualClock(START);
    Ids ids = new Ids(clock);
    List<String> generated = new ArrayList<>();
    for (int step : clockStepsMs) {
      clock.advanceMillis(step);
      generated.add(ids.next("ch_"));
    }

    assertThat(generated).isSorted().doesNotHaveDuplicates();
  }
}
