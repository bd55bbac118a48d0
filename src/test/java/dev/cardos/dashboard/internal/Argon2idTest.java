package dev.cardos.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Argon2idTest {

  /** Small parameters so the test is quick; the format and checks are the same as production's. */
  private final Argon2id argon2 = new Argon2id(1024, 1);

  @Test
  void storesAPhcStringWithItsParametersAndARandomSalt() {
    String first = argon2.hash("correct horse battery staple");
    String second = argon2.hash("correct horse battery staple");
    assertThat(first).startsWith("$argon2id$v=19$m=1024,t=1,p=1$").doesNotContain("correct");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void productionParametersAreOwaspsMemoryHardConfiguration() {
    assertThat(new Argon2id().hash("x")).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
  }

  @Test
  void matchesOnlyTheRightPassword() {
    String stored = argon2.hash("correct horse battery staple");
    assertThat(argon2.matches("correct horse battery staple", stored)).isTrue();
    assertThat(argon2.matches("correct horse battery stapl", stored)).isFalse();
    assertThat(argon2.matches("", stored)).isFalse();
  }

  @Test
  void checksAHashMadeWithOtherParametersByTheParametersItCarries() {
    String stored = new Argon2id(2048, 3).hash("pw-with-other-parameters");
    assertThat(argon2.matches("pw-with-other-parameters", stored)).isTrue();
  }

  @Test
  void refusesMalformedOrAbsurdStoredStrings() {
    assertThat(argon2.matches("x", "")).isFalse();
    assertThat(argon2.matches("x", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA")).isFalse();
    assertThat(argon2.matches("x", "$argon2id$v=19$m=9999999,t=1,p=1$c2FsdHNhbHQ$aGFzaA"))
        .isFalse();
  }

  /**
   * The reference implementation's test vector (phc-winner-argon2 {@code src/test.c}: Argon2id,
   * version 0x13, t=2, m=65536 KiB, p=1, "password", "somesalt"): ties our use of Bouncy Castle and
   * our PHC parsing to the standard.
   */
  @Test
  void derivesTheReferenceImplementationsKnownAnswer() {
    byte[] hash = Argon2id.derive("password", "somesalt".getBytes(), 65_536, 2, 1, 32);
    assertThat(HexFormat.of().formatHex(hash))
        .isEqualTo("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7");
  }

  @Test
  void verifiesTheReferenceImplementationsEncodedHash() {
    String encoded =
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
    assertThat(argon2.matches("password", encoded)).isTrue();
    assertThat(argon2.matches("Password", encoded)).isFalse();
  }
}
