package dev.cardos.controls;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * A spending window: the calendar day, ISO week or calendar month in the program's time zone, or
 * the card's whole life. {@link #key} names the window an instant falls in.
 */
public enum Window {
  DAY,
  WEEK,
  MONTH,
  LIFETIME;

  /** The window's name for {@code at}: {@code day:2026-11-22}, {@code week:2026-W47}, ... */
  public String key(Instant at, ZoneId zone) {
    ZonedDateTime local = at.atZone(zone);
    return switch (this) {
      case DAY -> "day:" + local.toLocalDate();
      case WEEK ->
          String.format(
              Locale.ROOT,
              "week:%d-W%02d",
              local.get(IsoFields.WEEK_BASED_YEAR),
              local.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case MONTH ->
          String.format(Locale.ROOT, "month:%d-%02d", local.getYear(), local.getMonthValue());
      case LIFETIME -> "lifetime";
    };
  }

  /** When the window containing {@code at} ends (exclusive), or null for the lifetime. */
  public Instant end(Instant at, ZoneId zone) {
    // Work on dates and take each date's start of day last: a day that begins at 01:00 because of
    // a daylight-saving gap must not shift the next window's start.
    java.time.LocalDate date = at.atZone(zone).toLocalDate();
    java.time.LocalDate next =
        switch (this) {
          case DAY -> date.plusDays(1);
          case WEEK -> date.with(DayOfWeek.MONDAY).plusWeeks(1);
          case MONTH -> date.withDayOfMonth(1).plusMonths(1);
          case LIFETIME -> null;
        };
    return next == null ? null : next.atStartOfDay(zone).toInstant();
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
