package dev.cardos.funding.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChainAddressesTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  /** An independent base58 decoder (Bitcoin alphabet), restoring leading zero bytes from '1's. */
  private static byte[] decodeBase58(String text) {
    BigInteger value = BigInteger.ZERO;
    for (char c : text.toCharArray()) {
      int digit = BASE58.indexOf(c);
      assertThat(digit).as("'%s' is a base58 digit", c).isNotNegative();
      value = value.multiply(BigInteger.valueOf(58)).add(BigInteger.valueOf(digit));
    }
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == '1') {
      zeros++;
    }
    byte[] magnitude = value.signum() == 0 ? new byte[0] : value.toByteArray();
    int skip = magnitude.length > 0 && magnitude[0] == 0 ? 1 : 0; // BigInteger's sign byte
    byte[] out = new byte[zeros + magnitude.length - skip];
    System.arraycopy(magnitude, skip, out, zeros, magnitude.length - skip);
    return out;
  }

  private static String keccakHex(byte[] input) {
    return HEX.formatHex(Keccak256.digest(input));
  }

  @ParameterizedTest(name = "keccak256(\"{0}\")")
  @CsvSource({
    "'',  c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    "abc, 4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    "The quick brown fox jumps over the lazy dog,"
        + " 4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15",
  })
  void keccakMatchesKnownAnswersForShortText(String text, String digest) {
    assertThat(keccakHex(text.getBytes(StandardCharsets.US_ASCII))).isEqualTo(digest);
  }

  /**
   * Multi-block and block-boundary inputs. Source: the Keccak team's round-3 SHA-3 submission
   * known-answer file ShortMsgKAT_256.txt (Keccak[r=1088, c=512], the original 0x01 padding that
   * Ethereum uses; the same file ships in KeccakKAT-3.zip on keccak.team), entries Len = 1080 (135
   * bytes: the padding's 0x01 and 0x80 share the last byte of the only block), Len = 1088 (136
   * bytes: exactly one rate block, so padding fills a second block) and Len = 1600 (200 bytes:
   * crosses into the second block). Each was also cross-checked with a separate sponge whose 0x06
   * (SHA3-256) variant agreed with the JDK's SHA3-256. BouncyCastle is not on the test classpath.
   */
  @ParameterizedTest(name = "{0} bytes")
  @CsvSource({
    "135, 2f3fb9e6321405869ff0e6271369357ee08c9c27837fe300adf3766a61979591d64e7809627e8f026e7629"
        + "82df5f00bfeb9ce76f1ccb70c9bee6331f7dc8b15417295d7aa7ec7c1662a69842059901f136e96052b4d01b"
        + "72b64f92331744872f6de4a915d0262b33ccc375d25d77c3936023e514f30187a9501adc685e6497cc4841e1"
        + "19670d4d, 0484f02cc16415e7e9f28f95b6bb77209e1b25ec35015de84facbc8f9605b39e",
    "136, 33d0c3052e3ac8c19beca6b0dfa73888f753655fb2c9f77e1238602c9f6d7ad33e3dd96c78a22e148ed4c4"
        + "6d7cfdf674505bd40325cb813804e264a450de778f1c50fc94f32aa881fe6def7b6ae6efbb42c3be678f40a0"
        + "9322053773e3af020000fe94f3283c7527aa64a2144b92cf8d568df4e6cd957af09ab1637e61667e61641255"
        + "8d4fcab4f9, b30ad6fc320c0d70309dc39953895cb7cf3fbedec7d86a5f7aa9f2bb760f6dba",
    "200, 9b518dcebd7aab3c6a961705d93b2733f5303ea8185653f1b91f163a105811aca99e7a671925a483bcbb89"
        + "95f6b0c8ece10795fa5de8eb17080152195963c503013f6b1a650f9e21ca28b7c0d880adba8742b4e42aa0fb"
        + "33a24d4cfbb112ffb2516acdb7796cd8449490056d10b22797f4dc7c1f7c78531ec59f1a77b21a290485f7bb"
        + "fe649442f924476634fa8eccee6b480ee8c06107860122fdb33c27b7c11f72c08406037d2a4be35f45722b34"
        + "dd7442c534a3ccbba4eeb9582be00fec0082ad8488b001b3fc,"
        + " 3619785381f9290b0180fe87186e3b8e352d0bee8dec2321198770b67d8c26da",
  })
  void keccakMatchesTheKeccakTeamsKnownAnswersAcrossTheRateBlock(
      int length, String messageHex, String digest) {
    byte[] message = HEX.parseHex(messageHex);
    assertThat(message).hasSize(length);

    assertThat(keccakHex(message)).isEqualTo(digest);
  }

  @Test
  void keccakIsNotTheJdksSha3() throws Exception {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    byte[] sha3 = java.security.MessageDigest.getInstance("SHA3-256").digest(abc);

    assertThat(Keccak256.digest(abc)).hasSize(32).isNotEqualTo(sha3);
  }

  /** The test vectors of EIP-55 itself: all caps, all lower, and mixed. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
      })
  void eip55ReproducesTheEipsVectorsFromTheirLowerCaseForm(String checksummed) {
    String lower = checksummed.substring(2).toLowerCase(Locale.ROOT);

    assertThat(ChainAddresses.eip55(lower)).isEqualTo(checksummed);
  }

  @Test
  void ethereumAddressesAreFortyHexDigitsWithAValidChecksum() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String address = ChainAddresses.ethereum();

      assertThat(address).matches("0x[0-9a-fA-F]{40}");
      assertThat(ChainAddresses.eip55(address.substring(2).toLowerCase(Locale.ROOT)))
          .as("checksum of %s", address)
          .isEqualTo(address);
      seen.add(address);
    }

    assertThat(seen).as("distinct addresses").hasSize(1000);
  }

  /**
   * Bitcoin Core's base58_encode_decode.json vectors, plus the two from the brief ("Hello World!"
   * is the usual example; 00 00 01 has two leading zero bytes).
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "'',                  ''",
    "000001,              112",
    "48656c6c6f20576f726c6421, 2NEpo7TZRRrLZSi2U",
    "61,                  2g",
    "626262,              a3gV",
    "636363,              aPEr",
    "73696d706c792061206c6f6e6720737472696e67, 2cFupjhnEsSn59qHXstmK2ffpLv2",
    "00eb15231dfceb60925886b67d065299925915aeb172c06647, 1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
    "516b6fcd0f,          ABnLTmg",
    "bf4f89001e670274dd,  3SEo3LWLoPntC",
    "572e4794,            3EFU7m",
    "ecac89cad93923c02321, EJDM8drfXA6uyA",
    "10c8511e,            Rt5zm",
    "00000000000000000000, 1111111111",
  })
  void base58MatchesKnownAnswers(String bytesHex, String encoded) {
    byte[] bytes = HEX.parseHex(bytesHex);

    assertThat(ChainAddresses.base58(bytes)).isEqualTo(encoded);
    assertThat(decodeBase58(encoded)).as("the test's decoder agrees").isEqualTo(bytes);
  }

  @Property
  void base58RoundTripsAnyBytesIncludingLeadingZeros(@ForAll @Size(max = 64) byte[] bytes) {
    assertThat(decodeBase58(ChainAddresses.base58(bytes))).isEqualTo(bytes);
  }

  @Property(tries = 200)
  void base58OfThirtyTwoBytesWithLeadingZerosKeepsEveryZero(
      @ForAll @Size(min = 32, max = 32) byte[] key) {
    key[0] = 0;
    key[1] = 0;

    String encoded = ChainAddresses.base58(key);

    assertThat(encoded).startsWith("11");
    assertThat(decodeBase58(encoded)).hasSize(32).isEqualTo(key);
  }

  @Test
  void solanaAddressesDecodeToExactlyThirtyTwoBytesAndDiffer() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String address = ChainAddresses.solana();

      assertThat(address).matches("[" + BASE58 + "]{32,44}");
      assertThat(decodeBase58(address)).as("decoded %s", address).hasSize(32);
      seen.add(address);
    }

    assertThat(seen).as("distinct addresses").hasSize(200);
  }
}
