package dev.cardos.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {

  /** RFC 6238 appendix B's SHA-1 seed: the ASCII digits 1234567890 twice. */
  private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @CsvSource({
    "59, 94287082",
    "1111111109, 07081804",
    "1111111111, 14050471",
    "1234567890, 89005924",
    "2000000000, 69279037",
    "20000000000, 65353130"
  })
  void matchesTheRfc6238TestVectors(long epochSeconds, String expected) {
    assertThat(Totp.code(RFC_SEED, Instant.ofEpochSecond(epochSeconds), 8)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0, 755224", "1, 287082", "2, 359152", "9, 520489"})
  void matchesTheRfc4226HotpTestVectors(long counter, String expected) {
    assertThat(Totp.hotp(RFC_SEED, counter, 6)).isEqualTo(expected);
  }

  @Test
  void acceptsTheCodeOfTheStepBeforeAndAfterButNotFurther() {
    Instant now = Instant.ofEpochSecond(1_111_111_111);
    String previous = Totp.code(RFC_SEED, now.minusSeconds(30), 6);
    String next = Totp.code(RFC_SEED, now.plusSeconds(30), 6);
    String old = Totp.code(RFC_SEED, now.minusSeconds(90), 6);
    assertThat(Totp.verify(RFC_SEED, Totp.code(RFC_SEED, now, 6), now)).isTrue();
    assertThat(Totp.verify(RFC_SEED, previous, now)).isTrue();
    assertThat(Totp.verify(RFC_SEED, next, now)).isTrue();
    assertThat(Totp.verify(RFC_SEED, old, now)).isEqualTo(old.equals(previous) || old.equals(next));
  }

  @Test
  void refusesMissingOrMalformedCodes() {
    Instant now = Instant.ofEpochSecond(59);
    assertThat(Totp.verify(RFC_SEED, null, now)).isFalse();
    assertThat(Totp.verify(RFC_SEED, "", now)).isFalse();
    assertThat(Totp.verify(RFC_SEED, "94287082", now)).isFalse();
    assertThat(Totp.verify(RFC_SEED, "28708a", now)).isFalse();
  }

  @Test
  void writesSecretsInRfc4648Base32() {
    assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
    assertThat(Totp.base32(RFC_SEED)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  }
}
