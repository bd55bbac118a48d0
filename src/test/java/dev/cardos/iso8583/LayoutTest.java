package dev.cardos.iso8583;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.solab.iso8583.IsoMessage;
import dev.cardos.iso8583.internal.Frames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The layout of docs/iso8583.md: a recorded message, round trips, and what is refused. */
class LayoutTest {

  /** The 0100 of docs/iso8583.md ("A recorded 0100"), byte for byte. */
  static final String RECORDED_0100 =
      "01007224408108E18000"
          + "164242424242424242"
          + "000000"
          + "000000002500"
          + "1122101530"
          + "000042"
          + "2811"
          + "5411"
          + "59"
          + "1112345678901"
          + "101530000042"
          + "TERM0001"
          + "MID-7          "
          + "Corner Shop              Austin       US"
          + "007"
          + "9203123"
          + "840";

  @Test
  void decodesTheRecordedAuthorizationRequestFieldByField() throws Exception {
    IsoMessage m = Layout.decode(RECORDED_0100.getBytes(StandardCharsets.US_ASCII));
    assertThat(m.getType()).isEqualTo(0x100);
    assertThat(Layout.text(m, Layout.PAN)).isEqualTo("4242424242424242");
    assertThat(Layout.text(m, Layout.PROCESSING_CODE)).isEqualTo("000000");
    assertThat(Layout.text(m, Layout.AMOUNT)).isEqualTo("000000002500");
    assertThat(Layout.text(m, Layout.TRANSMISSION_TIME)).isEqualTo("1122101530");
    assertThat(Layout.text(m, Layout.STAN)).isEqualTo("000042");
    assertThat(Layout.text(m, Layout.EXPIRY)).isEqualTo("2811");
    assertThat(Layout.text(m, Layout.MCC)).isEqualTo("5411");
    assertThat(Layout.text(m, Layout.POS_CONDITION)).isEqualTo("59");
    assertThat(Layout.text(m, Layout.ACQUIRER)).isEqualTo("12345678901");
    assertThat(Layout.text(m, Layout.RRN)).isEqualTo("101530000042");
    assertThat(Layout.text(m, Layout.TERMINAL)).isEqualTo("TERM0001");
    assertThat(Layout.text(m, Layout.MERCHANT_ID)).isEqualTo("MID-7");
    assertThat(Layout.NameLocation.parse(Layout.text(m, Layout.MERCHANT_NAME_LOCATION)))
        .isEqualTo(new Layout.NameLocation("Corner Shop", "Austin", "US"));
    assertThat(Layout.subelements(Layout.text(m, Layout.ADDITIONAL_DATA)))
        .isEqualTo(Map.of(Layout.SUBELEMENT_CVV2, "123"));
    assertThat(Layout.text(m, Layout.CURRENCY)).isEqualTo("840");
    assertThat(Layout.currencyOf("840")).contains("USD");
    for (int absent : new int[] {12, 13, 22, 35, 38, 39, 52, 54, 70, 90, 95}) {
      assertThat(m.hasField(absent)).as("DE" + absent).isFalse();
    }
  }

  @Test
  void theSimulatorBuildsTheRecordedMessage() {
    IsoMessage built =
        new NetworkRequests("12345678901")
            .presentment(
                0x100,
                "000042",
                Instant.parse("2026-11-22T10:15:30Z"),
                new NetworkRequests.Plastic("4242424242424242", "2811", "123"),
                "00",
                2_500,
                "USD",
                new NetworkRequests.Merchant(
                    "MID-7", "Corner Shop", "5411", "Austin", "US", "TERM0001", "59"));
    assertThat(new String(Layout.encode(built), StandardCharsets.US_ASCII))
        .isEqualTo(RECORDED_0100);
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        0x100, 0x101, 0x110, 0x120, 0x121, 0x130, 0x200, 0x201, 0x210, 0x400, 0x401, 0x410, 0x420,
        0x421, 0x430, 0x800, 0x810
      })
  void everyMessageTypeRoundTripsWithEveryField(int type) throws Exception {
    IsoMessage m = Layout.message(type);
    Map<Integer, String> values =
        Map.ofEntries(
            Map.entry(Layout.PAN, "4000123412341234"),
            Map.entry(Layout.PROCESSING_CODE, "310000"),
            Map.entry(Layout.AMOUNT, "000000000100"),
            Map.entry(Layout.TRANSMISSION_TIME, "0101000000"),
            Map.entry(Layout.STAN, "999999"),
            Map.entry(Layout.LOCAL_TIME, "235959"),
            Map.entry(Layout.LOCAL_DATE, "1231"),
            Map.entry(Layout.EXPIRY, "3012"),
            Map.entry(Layout.MCC, "6011"),
            Map.entry(Layout.POS_ENTRY_MODE, "051"),
            Map.entry(Layout.POS_CONDITION, "00"),
            Map.entry(Layout.ACQUIRER, "42"),
            Map.entry(Layout.TRACK2, "4000123412341234=30121010000000000"),
            Map.entry(Layout.RRN, "ABC123456789"),
            Map.entry(Layout.APPROVAL_CODE, "A1B2C3"),
            Map.entry(Layout.RESPONSE_CODE, "00"),
            Map.entry(Layout.TERMINAL, "ATM00001"),
            Map.entry(Layout.MERCHANT_ID, "MERCHANT-000001"),
            Map.entry(Layout.MERCHANT_NAME_LOCATION, "Bank ATM                 London       GB"),
            Map.entry(Layout.ADDITIONAL_DATA, "4201A"),
            Map.entry(Layout.CURRENCY, "826"),
            Map.entry(Layout.PIN_BLOCK, "0123456789ABCDEF"),
            Map.entry(Layout.ADDITIONAL_AMOUNTS, "0002826C000000001000"),
            Map.entry(Layout.NETWORK_MANAGEMENT_CODE, "301"),
            Map.entry(Layout.ORIGINAL_DATA, "010000000101010000000000000004200000000000"),
            Map.entry(Layout.REPLACEMENT_AMOUNTS, "000000000050000000000000000000000000000000"));
    values.forEach((number, value) -> Layout.set(m, number, value));
    IsoMessage back = Layout.decode(Layout.encode(m));
    assertThat(back.getType()).isEqualTo(type);
    values.forEach(
        (number, value) ->
            assertThat(Layout.text(back, number)).as("DE" + number).isEqualTo(value.strip()));
    assertThat(values.keySet()).containsExactlyInAnyOrderElementsOf(Layout.FIELDS.keySet());
  }

  @Test
  void aSecondaryBitmapIsWrittenOnlyForFieldsAbove64() {
    IsoMessage echo = new NetworkRequests("1").networkManagement("000001", Instant.EPOCH, "301");
    String wire = new String(Layout.encode(echo), StandardCharsets.US_ASCII);
    assertThat(wire).startsWith("0800" + "8220000000000000" + "0400000000000000");
    assertThat(wire).endsWith("301");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "01",
        "0100",
        "01007224",
        "X1007224408108E18000",
        "0100ZZ24408108E18000",
        "0999722440810000000",
        "0100F224408108E18000",
        "01007224408108E180001642424242",
        "01000000000000000001"
      })
  void refusesMalformedMessagesWithoutQuotingThem(String wire) {
    assertThatThrownBy(() -> Layout.decode(wire.getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(Layout.Malformed.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("4242"));
  }

  @Test
  void lettersInANumericFieldOrAnOverlongFieldAreNamedButTheRestStaysReadable() throws Exception {
    IsoMessage letters =
        Layout.decode(
            ("0100" + "3000000000000000" + "000000" + "00000000AB12")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(Layout.invalidFields(letters)).containsExactly(Layout.AMOUNT);
    assertThat(Layout.text(letters, Layout.PROCESSING_CODE)).isEqualTo("000000");
    IsoMessage overlong =
        Layout.decode(
            "010040000000000000002142424242424242424242424".getBytes(StandardCharsets.US_ASCII));
    assertThat(Layout.invalidFields(overlong)).containsExactly(Layout.PAN);
    assertThat(
            Layout.invalidFields(Layout.decode(RECORDED_0100.getBytes(StandardCharsets.US_ASCII))))
        .isEmpty();
  }

  @Test
  void additionalAmountsCarryASignAndTwelveDigits() throws Exception {
    String de54 =
        new Layout.AdditionalAmount("00", "01", "840", 12_345).format()
            + new Layout.AdditionalAmount("00", "02", "840", -50).format();
    assertThat(de54).isEqualTo("0001840C0000000123450002840D000000000050");
    assertThat(Layout.AdditionalAmount.parse(de54))
        .containsExactly(
            new Layout.AdditionalAmount("00", "01", "840", 12_345),
            new Layout.AdditionalAmount("00", "02", "840", -50));
    assertThatThrownBy(() -> Layout.AdditionalAmount.parse("0001840X000000012345"))
        .isInstanceOf(Layout.Malformed.class);
  }

  @Test
  void originalDataNamesTheNetworkTransactionIdOfTheOriginal() {
    Layout.OriginalData original =
        Layout.OriginalData.parse("010000004211221015300001234567800000000000");
    assertThat(original)
        .isEqualTo(new Layout.OriginalData("0100", "000042", "1122101530", "00012345678"));
    assertThat(original.networkTransactionId())
        .isEqualTo(Layout.networkTransactionId("12345678", "1122101530", "000042"));
  }

  @Test
  void subelementsMustFitTheirField() {
    assertThatThrownBy(() -> Layout.subelements("9205123")).isInstanceOf(Layout.Malformed.class);
    assertThatThrownBy(() -> Layout.subelements("92")).isInstanceOf(Layout.Malformed.class);
    assertThatThrownBy(() -> Layout.subelements("92x3123")).isInstanceOf(Layout.Malformed.class);
  }

  @Test
  void framesCarryATwoByteBigEndianLengthAndRefuseOversizedOrTruncatedOnes() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] message = new byte[300];
    Frames.write(out, message);
    byte[] wire = out.toByteArray();
    assertThat(wire[0]).isEqualTo((byte) 0x01);
    assertThat(wire[1]).isEqualTo((byte) 0x2C);
    assertThat(Frames.read(new ByteArrayInputStream(wire), 300)).hasSize(300);
    assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(wire), 299))
        .isInstanceOf(Frames.Oversized.class);
    byte[] cut = java.util.Arrays.copyOf(wire, 100);
    assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(cut), 300))
        .isInstanceOf(EOFException.class);
    assertThat(Frames.read(new ByteArrayInputStream(new byte[0]), 300)).isNull();
    assertThat(Frames.read(new ByteArrayInputStream(new byte[] {0, 0}), 300)).isEmpty();
  }

  @Test
  void describingAMessageMasksCardData() throws Exception {
    IsoMessage m = Layout.decode(RECORDED_0100.getBytes(StandardCharsets.US_ASCII));
    Layout.set(m, Layout.PIN_BLOCK, "0123456789ABCDEF");
    String shown = Layout.describe(m);
    assertThat(shown).contains("************4242").doesNotContain("4242424242424242");
    assertThat(shown).doesNotContain("9203123").doesNotContain("0123456789ABCDEF");
    assertThat(shown).contains("Corner Shop");
  }
}
