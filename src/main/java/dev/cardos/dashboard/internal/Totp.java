package dev.cardos.dashboard.internal;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 30-second steps, 6
 * digits, as authenticator apps expect. A code from the step before or after is also accepted, to
 * allow for a phone's clock being a few seconds off.
 */
final class Totp {

  static final int STEP_SECONDS = 30;
  static final int DIGITS = 6;
  private static final int[] POWERS = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000
  };

  private Totp() {}

  /** The code for the step {@code at} falls in, with {@code digits} digits (6 to 8). */
  static String code(byte[] secret, Instant at, int digits) {
    return hotp(secret, Math.floorDiv(at.getEpochSecond(), STEP_SECONDS), digits);
  }

  /** Whether {@code given} is the 6-digit code of {@code at}'s step or a neighbouring one. */
  static boolean verify(byte[] secret, String given, Instant at) {
    if (given == null || !given.matches("[0-9]{" + DIGITS + "}")) {
      return false;
    }
    long step = Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    boolean match = false;
    for (long s = step - 1; s <= step + 1; s++) {
      // Compare every candidate in constant time, and do not stop at the first match.
      match |= MessageDigest.isEqual(hotp(secret, s, DIGITS).getBytes(), given.getBytes());
    }
    return match;
  }

  static String hotp(byte[] secret, long counter, int digits) {
    if (digits < DIGITS || digits > 8) {
      throw new IllegalArgumentException("TOTP codes have 6 to 8 digits");
    }
    byte[] hash;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret, "HmacSHA1"));
      hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(counter).array());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA1 is required by every Java platform", e);
    }
    int offset = hash[hash.length - 1] & 0x0f;
    int binary =
        ((hash[offset] & 0x7f) << 24)
            | ((hash[offset + 1] & 0xff) << 16)
            | ((hash[offset + 2] & 0xff) << 8)
            | (hash[offset + 3] & 0xff);
    return String.format("%0" + digits + "d", binary % POWERS[digits]);
  }

  /** RFC 4648 base32 without padding, the form authenticator apps take a secret in. */
  static String base32(byte[] bytes) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }
}
