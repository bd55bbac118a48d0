package dev.cardos.tenancy.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * API key secrets: 40 random base62 characters (about 238 bits) behind a readable prefix. Only the
 * SHA-256 of a secret is stored; a plain hash suffices because the secret is random and long, so
 * there is nothing to guess.
 */
final class Secrets {

  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int RANDOM_CHARS = 40;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  static String generate(String prefix) {
    StringBuilder out = new StringBuilder(prefix.length() + RANDOM_CHARS).append(prefix);
    for (int i = 0; i < RANDOM_CHARS; i++) {
      out.append(BASE62[RANDOM.nextInt(BASE62.length)]);
    }
    return out.toString();
  }

  /** Copied for each hash: cheaper than finding the provider on every request. */
  private static final MessageDigest SHA_256;

  static {
    try {
      SHA_256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  static byte[] hash(String secret) {
    try {
      return ((MessageDigest) SHA_256.clone()).digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  static String last4(String secret) {
    return secret.substring(secret.length() - 4);
  }

  static boolean looksLikeKey(String secret) {
    return secret.length() <= 64
        && (secret.startsWith("op_")
            || secret.startsWith("nk_")
            || secret.startsWith("ck_test_")
            || secret.startsWith("ck_live_"));
  }
}
