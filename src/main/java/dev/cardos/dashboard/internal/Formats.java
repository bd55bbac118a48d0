package dev.cardos.dashboard.internal;

import dev.cardos.authorization.DeclineReason;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Problem;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * How the dashboard shows and reads values: money from and to minor units (exact, no floating
 * point), times in UTC, decline reasons in words. Templates call it as {@code @formats}.
 */
@Component("formats")
public class Formats {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final int MAJOR_DIGITS_MAX = 13;

  /** {@code 2550, "USD"} as {@code "25.50 USD"}. */
  public String money(long minor, String currency) {
    return currency == null ? Long.toString(minor) : Currencies.format(minor, currency);
  }

  public String money(Long minor, String currency) {
    return minor == null ? "no limit" : money(minor.longValue(), currency);
  }

  /** Minor units as the plain decimal a form field shows: {@code 2550} as {@code 25.50}. */
  public String decimal(Long minor, String currency) {
    if (minor == null) {
      return "";
    }
    return java.math.BigDecimal.valueOf(minor, Currencies.exponent(currency)).toPlainString();
  }

  public String time(Instant at) {
    return at == null ? "" : TIME.format(at);
  }

  /** A decline reason's wire name in words ({@code card_frozen}: "The card is frozen"). */
  public String reason(String wire) {
    if (wire == null) {
      return "";
    }
    return Arrays.stream(DeclineReason.values())
        .filter(r -> r.wire().equals(wire))
        .findFirst()
        .map(DeclineReason::meaning)
        .orElse(wire.replace('_', ' '));
  }

  /**
   * Reads an amount typed in major units ({@code 25}, {@code 25.5}, {@code 25.50}) as minor units
   * of {@code currency}, exactly; blank is null (no limit). Refuses anything else, naming {@code
   * field}.
   */
  static Long parseMinor(String text, String currency, String field) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.strip().replace(",", "");
    int exponent = Currencies.exponent(currency);
    String pattern =
        exponent == 0
            ? "[0-9]{1," + MAJOR_DIGITS_MAX + "}"
            : "[0-9]{1," + MAJOR_DIGITS_MAX + "}(\\.[0-9]{1," + exponent + "})?";
    if (!t.matches(pattern)) {
      throw Problem.invalidField(
          field,
          exponent == 0
              ? "must be a whole amount in " + currency
              : "must be an amount in " + currency + " with at most " + exponent + " decimals");
    }
    int dot = t.indexOf('.');
    String whole = dot < 0 ? t : t.substring(0, dot);
    String fraction = dot < 0 ? "" : t.substring(dot + 1);
    fraction = fraction + "0".repeat(exponent - fraction.length());
    long minor =
        Math.addExact(
            Math.multiplyExact(Long.parseLong(whole), pow10(exponent)),
            fraction.isEmpty() ? 0 : Long.parseLong(fraction));
    return minor;
  }

  private static long pow10(int exponent) {
    long p = 1;
    for (int i = 0; i < exponent; i++) {
      p *= 10;
    }
    return p;
  }
}
