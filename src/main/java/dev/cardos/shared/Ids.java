package dev.cardos.shared;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * The one generator of object ids. An id is a type prefix ({@code ch_}, {@code ten_}, ...) followed
 * by 26 Crockford base32 characters: 48 bits of milliseconds since the epoch and 80 random bits, so
 * ids sort by creation time as strings (newest-first pages order by id) and never collide in
 * practice. Ids created in the same millisecond by one generator are strictly increasing.
 */
public final class Ids {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final Pattern BODY = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");
  private static final long RANDOM_HIGH_MASK = 0xFFFFL; // 16 of the 80 random bits

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private long lastMillis = -1;
  private long randomHigh; // upper 16 random bits
  private long randomLow; // lower 64 random bits

  public Ids(Clock clock) {
    this.clock = clock;
  }

  /** A new id with the given prefix, which must end in an underscore. */
  public synchronized String next(String prefix) {
    if (!prefix.endsWith("_")) {
      throw new IllegalArgumentException("id prefix must end with '_': " + prefix);
    }
    long millis = clock.millis();
    if (millis > lastMillis) {
      lastMillis = millis;
      randomHigh = random.nextInt(1 << 16) & RANDOM_HIGH_MASK;
      randomLow = random.nextLong();
    } else {
      // Same (or an earlier, if the clock stepped back) millisecond: keep the order monotonic.
      randomLow++;
      if (randomLow == 0) {
        randomHigh = (randomHigh + 1) & RANDOM_HIGH_MASK;
      }
    }
    return prefix + encode(lastMillis, randomHigh, randomLow);
  }

  private static final Pattern ANY_ID = Pattern.compile("[a-z]{2,5}_[0-9A-HJKMNP-TV-Z]{26}");

  /** Whether {@code value} is shaped like an id of any type ({@code card_01M8...}). */
  public static boolean looksLikeId(String value) {
    return value != null && ANY_ID.matcher(value).matches();
  }

  /** Whether {@code id} is well formed for the given prefix. */
  public static boolean isValid(String id, String prefix) {
    return id != null
        && id.startsWith(prefix)
        && BODY.matcher(id.substring(prefix.length())).matches();
  }

  private static String encode(long millis, long high, long low) {
    char[] out = new char[26];
    // 128 bits: 48 time | 16 high random | 64 low random, written as 26 base32 digits (130 bits).
    long hi = (millis << 16) | high; // top 64 bits
    long lo = low; // bottom 64 bits
    for (int i = 25; i >= 0; i--) {
      int digit = (int) (lo & 31);
      out[i] = ALPHABET[digit];
      lo = (lo >>> 5) | (hi << 59);
      hi >>>= 5;
    }
    return new String(out);
  }
}
