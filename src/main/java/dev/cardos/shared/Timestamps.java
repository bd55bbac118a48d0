package dev.cardos.shared;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Instants as PostgreSQL stores them: microsecond precision, UTC. Domain code takes "now" from here
 * so that what it returns equals what a later read returns.
 */
public final class Timestamps {

  private Timestamps() {}

  public static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  public static Timestamp sql(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  public static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
