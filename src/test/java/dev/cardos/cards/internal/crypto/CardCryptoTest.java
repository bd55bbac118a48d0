package dev.cardos.cards.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known answers from shared/card-crypto-vectors.md, and their off-by-one-digit neighbours. */
class CardCryptoTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] PVK = HEX.parseHex("0123456789ABCDEFFEDCBA9876543210");

  @ParameterizedTest
  @CsvSource({
    "9999999999999999, 8888888888888888, 2222222222222222, 3333, 111, 3, 361",
    "D676DCF3AFB73505, 32EAF00EA253D875, 4123450990122129, 0721, 202, 4, 2410"
  })
  void cvvReproducesTheKnownAnswers(
      String keyA, String keyB, String pan, String expiry, String service, int digits, String cvv) {
    assertThat(CardCrypto.cvv(HEX.parseHex(keyA), HEX.parseHex(keyB), pan, expiry, service, digits))
        .isEqualTo(cvv);
  }

  @ParameterizedTest
  @CsvSource({
    "2222222222222223, 3333, 111",
    "2222222222222222, 3334, 111",
    "2222222222222222, 3333, 112"
  })
  void cvvChangesWhenAnyInputIsOffByOneDigit(String pan, String expiry, String service) {
    byte[] a = HEX.parseHex("9999999999999999");
    byte[] b = HEX.parseHex("8888888888888888");
    assertThat(CardCrypto.cvv(a, b, pan, expiry, service, 3)).isNotEqualTo("361");
  }

  @ParameterizedTest
  @CsvSource({
    "1, 4524, 1122334455667788, 8523",
    "2, 1912, 1122334455667788, 3244",
    "1, 0570, 1122334455667718, 3144",
    "1, 8299, 1122334455667708, 4422"
  })
  void pvvReproducesTheKnownAnswers(int pvki, String pin, String pan, String pvv) {
    assertThat(CardCrypto.pvv(PVK, pan, pvki, pin)).isEqualTo(pvv);
  }

  @Test
  void pvvOfAPinOffByOneDigitDiffers() {
    assertThat(CardCrypto.pvv(PVK, "1122334455667788", 1, "4525")).isNotEqualTo("8523");
    assertThat(CardCrypto.pvv(PVK, "1122334455667788", 2, "4524")).isNotEqualTo("8523");
  }

  @ParameterizedTest
  @CsvSource({"0000, 4524", "7710, 1234"})
  void ibm3624OffsetGivesTheKnownPins(String offset, String pin) {
    assertThat(CardCrypto.ibm3624Pin(PVK, "1122334455667788", "1234567890123456", 'F', offset))
        .isEqualTo(pin);
  }

  @Test
  void ibm3624OffsetIsTheInverseOfThePin() {
    assertThat(CardCrypto.ibm3624Offset(PVK, "1122334455667788", "1234567890123456", 'F', "1234"))
        .isEqualTo("7710");
    assertThat(CardCrypto.ibm3624Pin(PVK, "1122334455667788", "1234567890123456", 'F', "7711"))
        .isNotEqualTo("1234");
  }

  @ParameterizedTest
  @CsvSource({
    "1234, 5555555551234567, 041261AAAAEDCBA9",
    "123456789012, 5555555551234567, 0C1261032D8226A9"
  })
  void pinBlockFormat0ReproducesTheKnownAnswersAndParsesBack(String pin, String pan, String block) {
    assertThat(HEX.withUpperCase().formatHex(CardCrypto.pinBlockFormat0(pin, pan)))
        .isEqualTo(block);
    assertThat(CardCrypto.pinFromFormat0(HEX.parseHex(block), pan)).isEqualTo(pin);
  }

  @Test
  void aFormat0BlockOffByOneDigitIsRefusedOrGivesAnotherPin() {
    byte[] block = HEX.parseHex("041261AAAAEDCBA8");
    assertThatThrownBy(() -> CardCrypto.pinFromFormat0(block, "5555555551234567"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("1234");
    assertThatThrownBy(
            () -> CardCrypto.pinFromFormat0(HEX.parseHex("041261AAAAEDCBA9"), "5555555551234577"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pinBlockFormat4ReproducesTheKnownAnswerAndParsesBack() {
    byte[] key = HEX.parseHex("00112233445566778899AABBCCDDEEFF");
    byte[] block =
        CardCrypto.pinBlockFormat4(
            key, "1234", "1234567890123456789", HEX.parseHex("FFFFFFFFFFFFFFFF"));
    assertThat(HEX.withUpperCase().formatHex(block)).isEqualTo("28B41FDDD29B743E93124BD8E32D921E");
    assertThat(CardCrypto.pinFromFormat4(key, block, "1234567890123456789")).isEqualTo("1234");
  }

  @Test
  void aFormat4BlockForAnotherPanDoesNotYieldThePin() {
    byte[] key = HEX.parseHex("00112233445566778899AABBCCDDEEFF");
    byte[] block = HEX.parseHex("28B41FDDD29B743E93124BD8E32D921E");
    assertThatThrownBy(() -> CardCrypto.pinFromFormat4(key, block, "1234567890123456788"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"4111111111111111, true", "5555555555554444, true", "4111111111111112, false"})
  void luhnRecognisesValidNumbers(String number, boolean valid) {
    assertThat(Luhn.isValid(number)).isEqualTo(valid);
  }

  @Test
  void luhnCheckDigitCompletesANumber() {
    assertThat(Luhn.checkDigit("411111111111111")).isEqualTo(1);
    assertThat(Luhn.checkDigit("555555555555444")).isEqualTo(4);
  }

  @Test
  void decimalizationTakesDigitsThenLettersLessTen() {
    assertThat(CardCrypto.decimalize("A1B2C3", 5)).isEqualTo("12301");
  }

  /**
   * Cipher objects are reused between calls: callers at once, with different keys and both AES
   * directions interleaved, must each get the answer they would get alone.
   */
  @Test
  void concurrentCallersWithDifferentKeysGetTheKnownAnswers() throws Exception {
    byte[] aesKey = HEX.parseHex("00112233445566778899AABBCCDDEEFF");
    byte[] random = HEX.parseHex("FFFFFFFFFFFFFFFF");
    String pan19 = "1234567890123456789";
    List<Callable<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 4_000; i++) {
      calls.add(
          switch (i % 4) {
            case 0 ->
                () ->
                    CardCrypto.cvv(
                            HEX.parseHex("9999999999999999"),
                            HEX.parseHex("8888888888888888"),
                            "2222222222222222",
                            "3333",
                            "111",
                            3)
                        .equals("361");
            case 1 ->
                () ->
                    CardCrypto.cvv(
                            HEX.parseHex("D676DCF3AFB73505"),
                            HEX.parseHex("32EAF00EA253D875"),
                            "4123450990122129",
                            "0721",
                            "202",
                            4)
                        .equals("2410");
            case 2 -> () -> CardCrypto.pvv(PVK, "1122334455667788", 2, "1912").equals("3244");
            default ->
                () -> {
                  byte[] block = CardCrypto.pinBlockFormat4(aesKey, "1234", pan19, random);
                  return HEX.withUpperCase()
                          .formatHex(block)
                          .equals("28B41FDDD29B743E93124BD8E32D921E")
                      && CardCrypto.pinFromFormat4(aesKey, block, pan19).equals("1234");
                };
          });
    }
    try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
      for (Future<Boolean> answer : threads.invokeAll(calls)) {
        assertThat(answer.get()).isTrue();
      }
    }
  }
}
