package dev.cardos.iso8583;

import com.solab.iso8583.IsoMessage;
import com.solab.iso8583.IsoType;
import com.solab.iso8583.MessageFactory;
import com.solab.iso8583.parse.AlphaParseInfo;
import com.solab.iso8583.parse.FieldParseInfo;
import com.solab.iso8583.parse.LllvarParseInfo;
import com.solab.iso8583.parse.LlvarParseInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * CardOS's ISO 8583:1987 layout, the one place it is written down (docs/iso8583.md describes the
 * same table): ASCII fields, a hexadecimal primary and secondary bitmap, no ISO header. Messages
 * are parsed by j8583 with every fixed field read as text, so a letter in a numeric field is a
 * format error this class reports with the field's number rather than a parser exception that
 * quotes the whole message (card number included).
 */
public final class Layout {

  private Layout() {}

  /** How a field is carried: fixed length, or with a 2- or 3-digit length prefix. */
  public enum Kind {
    NUMERIC,
    ALPHA,
    LLVAR,
    LLLVAR
  }

  /**
   * One data element. {@code length} is the fixed length or the variable maximum; {@code digits}
   * says every character must be 0-9; {@code sensitive} fields (card number, track 2, PIN block,
   * CVV2-carrying additional data) are never logged, echoed or printed in clear.
   */
  public record Field(
      int number, String name, Kind kind, int length, boolean digits, boolean sensitive) {}

  public static final int PAN = 2;
  public static final int PROCESSING_CODE = 3;
  public static final int AMOUNT = 4;
  public static final int TRANSMISSION_TIME = 7;
  public static final int STAN = 11;
  public static final int LOCAL_TIME = 12;
  public static final int LOCAL_DATE = 13;
  public static final int EXPIRY = 14;
  public static final int MCC = 18;
  public static final int POS_ENTRY_MODE = 22;
  public static final int POS_CONDITION = 25;
  public static final int ACQUIRER = 32;
  public static final int TRACK2 = 35;
  public static final int RRN = 37;
  public static final int APPROVAL_CODE = 38;
  public static final int RESPONSE_CODE = 39;
  public static final int TERMINAL = 41;
  public static final int MERCHANT_ID = 42;
  public static final int MERCHANT_NAME_LOCATION = 43;
  public static final int ADDITIONAL_DATA = 48;
  public static final int CURRENCY = 49;
  public static final int PIN_BLOCK = 52;
  public static final int ADDITIONAL_AMOUNTS = 54;
  public static final int NETWORK_MANAGEMENT_CODE = 70;
  public static final int ORIGINAL_DATA = 90;
  public static final int REPLACEMENT_AMOUNTS = 95;

  /** Every field CardOS reads or writes, by number. */
  public static final SortedMap<Integer, Field> FIELDS = fields();

  private static SortedMap<Integer, Field> fields() {
    TreeMap<Integer, Field> f = new TreeMap<>();
    add(f, PAN, "primary account number", Kind.LLVAR, 19, true, true);
    add(f, PROCESSING_CODE, "processing code", Kind.NUMERIC, 6, true, false);
    add(f, AMOUNT, "amount, transaction (minor units)", Kind.NUMERIC, 12, true, false);
    add(
        f,
        TRANSMISSION_TIME,
        "transmission date and time MMDDhhmmss",
        Kind.NUMERIC,
        10,
        true,
        false);
    add(f, STAN, "system trace audit number", Kind.NUMERIC, 6, true, false);
    add(f, LOCAL_TIME, "local transaction time hhmmss", Kind.NUMERIC, 6, true, false);
    add(f, LOCAL_DATE, "local transaction date MMDD", Kind.NUMERIC, 4, true, false);
    add(f, EXPIRY, "expiration date YYMM", Kind.NUMERIC, 4, true, false);
    add(f, MCC, "merchant category code", Kind.NUMERIC, 4, true, false);
    add(f, POS_ENTRY_MODE, "point of service entry mode", Kind.NUMERIC, 3, true, false);
    add(f, POS_CONDITION, "point of service condition code", Kind.NUMERIC, 2, true, false);
    add(f, ACQUIRER, "acquiring institution id", Kind.LLVAR, 11, true, false);
    add(f, TRACK2, "track 2 data", Kind.LLVAR, 37, false, true);
    add(f, RRN, "retrieval reference number", Kind.ALPHA, 12, false, false);
    add(f, APPROVAL_CODE, "approval code", Kind.ALPHA, 6, false, false);
    add(f, RESPONSE_CODE, "response code", Kind.ALPHA, 2, false, false);
    add(f, TERMINAL, "card acceptor terminal id", Kind.ALPHA, 8, false, false);
    add(f, MERCHANT_ID, "card acceptor id (merchant id)", Kind.ALPHA, 15, false, false);
    add(f, MERCHANT_NAME_LOCATION, "card acceptor name/location", Kind.ALPHA, 40, false, false);
    add(f, ADDITIONAL_DATA, "additional data (CVV2, 3-D Secure)", Kind.LLLVAR, 999, false, true);
    add(f, CURRENCY, "currency code, transaction (ISO 4217 numeric)", Kind.NUMERIC, 3, true, false);
    add(f, PIN_BLOCK, "PIN block (hex)", Kind.LLVAR, 32, false, true);
    add(f, ADDITIONAL_AMOUNTS, "additional amounts (balances)", Kind.LLLVAR, 120, false, false);
    add(f, NETWORK_MANAGEMENT_CODE, "network management code", Kind.NUMERIC, 3, true, false);
    add(f, ORIGINAL_DATA, "original data elements", Kind.NUMERIC, 42, true, false);
    add(f, REPLACEMENT_AMOUNTS, "replacement amounts", Kind.ALPHA, 42, false, false);
    return Collections.unmodifiableSortedMap(f);
  }

  private static void add(
      TreeMap<Integer, Field> f,
      int number,
      String name,
      Kind kind,
      int length,
      boolean digits,
      boolean sensitive) {
    f.put(number, new Field(number, name, kind, length, digits, sensitive));
  }

  /** The message types CardOS parses: requests, their repeats, responses, network management. */
  public static final List<Integer> TYPES =
      List.of(
          0x100, 0x101, 0x110, 0x120, 0x121, 0x130, 0x200, 0x201, 0x210, 0x400, 0x401, 0x410, 0x420,
          0x421, 0x430, 0x800, 0x810);

  private static final MessageFactory<IsoMessage> FACTORY = factory();

  private static MessageFactory<IsoMessage> factory() {
    MessageFactory<IsoMessage> factory = new MessageFactory<>();
    factory.setCharacterEncoding(StandardCharsets.US_ASCII.name());
    factory.setUseBinaryMessages(false);
    factory.setUseBinaryBitmap(false);
    Map<Integer, FieldParseInfo> guide = new HashMap<>();
    for (Field field : FIELDS.values()) {
      FieldParseInfo info =
          switch (field.kind()) {
            case NUMERIC, ALPHA -> new AlphaParseInfo(field.length());
            case LLVAR -> new LlvarParseInfo();
            case LLLVAR -> new LllvarParseInfo();
          };
      info.setCharacterEncoding(StandardCharsets.US_ASCII.name());
      guide.put(field.number(), info);
    }
    for (int type : TYPES) {
      factory.setParseMap(type, guide);
    }
    return factory;
  }

  /** A message that cannot be read; its text never quotes the message. */
  public static final class Malformed extends Exception {
    public Malformed(String why) {
      super(why, null, false, false);
    }
  }

  /** A new message of the type, with no fields. */
  public static IsoMessage message(int type) {
    IsoMessage m = new IsoMessage();
    m.setType(type);
    m.setCharacterEncoding(StandardCharsets.US_ASCII.name());
    m.setBinaryBitmap(false);
    m.setBinary(false);
    return m;
  }

  /** The 4-digit MTI of a frame's first bytes, or empty when they are not one. */
  public static Optional<Integer> peekType(byte[] frame) {
    if (frame.length < 4) {
      return Optional.empty();
    }
    for (int i = 0; i < 4; i++) {
      if (frame[i] < '0' || frame[i] > '9') {
        return Optional.empty();
      }
    }
    return Optional.of(Integer.parseInt(new String(frame, 0, 4, StandardCharsets.US_ASCII), 16));
  }

  /**
   * Reads a message: MTI, hexadecimal bitmap(s), then the fields its bitmap names. Fields outside
   * the layout are refused; the content of each field is checked by {@link #invalidFields}.
   */
  public static IsoMessage decode(byte[] frame) throws Malformed {
    Optional<Integer> type = peekType(frame);
    if (type.isEmpty()) {
      throw new Malformed("no message type indicator");
    }
    if (!TYPES.contains(type.get())) {
      throw new Malformed("message type " + mti(type.get()) + " is not handled");
    }
    if (frame.length < 20 || !hex(frame, 4, 20)) {
      throw new Malformed("the primary bitmap is not 16 hexadecimal characters");
    }
    boolean secondary = Character.digit(frame[4], 16) >= 8;
    if (secondary && (frame.length < 36 || !hex(frame, 20, 36))) {
      throw new Malformed("the secondary bitmap is not 16 hexadecimal characters");
    }
    List<Integer> present = bitmapFields(frame, secondary);
    for (int number : present) {
      if (!FIELDS.containsKey(number)) {
        throw new Malformed("field " + number + " is not in the layout");
      }
    }
    IsoMessage m;
    try {
      m = FACTORY.parseMessage(frame, 0);
    } catch (Exception e) {
      // j8583's messages quote the frame: never pass them on.
      throw new Malformed("the fields do not match the bitmap (truncated or mis-sized)");
    }
    if (m == null) {
      throw new Malformed("the fields do not match the bitmap");
    }
    return m;
  }

  /**
   * The fields of a decoded message whose content breaks the layout: a variable field over its
   * maximum, a numeric field holding anything but digits. Such a request is answered with a format
   * error; its other fields (the STAN, the terminal) are still good to echo.
   */
  public static List<Integer> invalidFields(IsoMessage m) {
    List<Integer> invalid = new ArrayList<>();
    for (Field field : FIELDS.values()) {
      if (!m.hasField(field.number())) {
        continue;
      }
      String value = String.valueOf((Object) m.getObjectValue(field.number()));
      boolean tooLong =
          (field.kind() == Kind.LLVAR || field.kind() == Kind.LLLVAR)
              && value.length() > field.length();
      boolean notDigits = field.digits() && !value.chars().allMatch(c -> c >= '0' && c <= '9');
      if (tooLong || notDigits) {
        invalid.add(field.number());
      }
    }
    return invalid;
  }

  private static boolean hex(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (Character.digit(b[i], 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static List<Integer> bitmapFields(byte[] frame, boolean secondary) {
    List<Integer> fields = new ArrayList<>();
    int bitmaps = secondary ? 2 : 1;
    for (int map = 0; map < bitmaps; map++) {
      for (int i = 0; i < 16; i++) {
        int nibble = Character.digit(frame[4 + map * 16 + i], 16);
        for (int bit = 0; bit < 4; bit++) {
          if ((nibble & (8 >> bit)) != 0) {
            int number = map * 64 + i * 4 + bit + 1;
            if (number != 1) {
              fields.add(number);
            }
          }
        }
      }
    }
    return fields;
  }

  /** Writes a message: MTI, bitmap(s) in hexadecimal, fields; no length header. */
  public static byte[] encode(IsoMessage m) {
    return m.writeData();
  }

  /**
   * Sets a field from text, padded as its kind says (numeric: zeros on the left; alpha: spaces on
   * the right). A value longer than the field is an error in CardOS's own code, not the network's.
   */
  public static void set(IsoMessage m, int number, String value) {
    Field field = FIELDS.get(number);
    if (field == null) {
      throw new IllegalArgumentException("field " + number + " is not in the layout");
    }
    if (value.length() > field.length()) {
      throw new IllegalArgumentException("field " + number + " longer than " + field.length());
    }
    switch (field.kind()) {
      case NUMERIC ->
          m.setValue(
              number,
              "0".repeat(field.length() - value.length()) + value,
              IsoType.NUMERIC,
              field.length());
      case ALPHA -> m.setValue(number, value, IsoType.ALPHA, field.length());
      case LLVAR -> m.setValue(number, value, IsoType.LLVAR, 0);
      case LLLVAR -> m.setValue(number, value, IsoType.LLLVAR, 0);
    }
  }

  /** The field's text with alpha padding trimmed, or null when absent or blank. */
  public static String text(IsoMessage m, int number) {
    if (!m.hasField(number)) {
      return null;
    }
    String value = String.valueOf((Object) m.getObjectValue(number));
    Field field = FIELDS.get(number);
    String trimmed = field != null && field.kind() == Kind.ALPHA ? value.strip() : value;
    return trimmed.isEmpty() ? null : trimmed;
  }

  public static String mti(int type) {
    return String.format("%04x", type);
  }

  // ------------------------------------------------------------------ composite fields

  /** ISO 4217 numeric code (DE49) to the alphabetic one, or empty when unknown. */
  public static Optional<String> currencyOf(String numeric) {
    int code = Integer.parseInt(numeric);
    for (Currency c : Currency.getAvailableCurrencies()) {
      if (c.getNumericCode() == code) {
        return Optional.of(c.getCurrencyCode());
      }
    }
    return Optional.empty();
  }

  /** The alphabetic ISO 4217 code to its 3-digit numeric one. */
  public static String numericCurrency(String alphabetic) {
    return Currency.getInstance(alphabetic).getNumericCodeAsString();
  }

  /** DE43: name (positions 1-25), city (26-38), country as ISO 3166 alpha-2 (39-40). */
  public record NameLocation(String name, String city, String country) {

    public static NameLocation parse(String de43) {
      String padded = String.format("%-40s", de43);
      return new NameLocation(
          padded.substring(0, 25).strip(),
          padded.substring(25, 38).strip(),
          padded.substring(38, 40).strip());
    }

    public String format() {
      return String.format("%-25.25s%-13.13s%-2.2s", name, city, country);
    }
  }

  /**
   * DE48 sub-elements: each a 2-digit tag, a 2-digit length and the value. Tag 92 is the CVV2, tag
   * 42 the 3-D Secure outcome ({@code A} authenticated, {@code F} failed, {@code N} not attempted).
   */
  public static final String SUBELEMENT_CVV2 = "92";

  public static final String SUBELEMENT_THREE_DS = "42";

  public static Map<String, String> subelements(String de48) throws Malformed {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    while (i < de48.length()) {
      if (i + 4 > de48.length()) {
        throw new Malformed("field 48 ends inside a sub-element header");
      }
      String tag = de48.substring(i, i + 2);
      String lengthText = de48.substring(i + 2, i + 4);
      if (!lengthText.chars().allMatch(Character::isDigit)) {
        throw new Malformed("field 48 has a sub-element length that is not digits");
      }
      int length = Integer.parseInt(lengthText);
      if (i + 4 + length > de48.length()) {
        throw new Malformed("field 48 has a sub-element longer than the field");
      }
      out.put(tag, de48.substring(i + 4, i + 4 + length));
      i += 4 + length;
    }
    return out;
  }

  public static String subelements(Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    values.forEach(
        (tag, value) -> out.append(tag).append("%02d".formatted(value.length())).append(value));
    return out.toString();
  }

  /** DE54: one balance of 20 characters. Amount type 01 is the ledger balance, 02 available. */
  public record AdditionalAmount(
      String accountType, String amountType, String currencyNumeric, long amountMinor) {

    public String format() {
      return accountType
          + amountType
          + currencyNumeric
          + (amountMinor < 0 ? 'D' : 'C')
          + "%012d".formatted(Math.abs(amountMinor));
    }

    public static List<AdditionalAmount> parse(String de54) throws Malformed {
      if (de54.length() % 20 != 0) {
        throw new Malformed("field 54 is not a whole number of 20-character amounts");
      }
      List<AdditionalAmount> out = new ArrayList<>();
      for (int i = 0; i < de54.length(); i += 20) {
        String a = de54.substring(i, i + 20);
        char sign = a.charAt(7);
        String digits = a.substring(8);
        if ((sign != 'C' && sign != 'D') || !digits.chars().allMatch(Character::isDigit)) {
          throw new Malformed("field 54 has an amount that is not C/D and 12 digits");
        }
        long amount = Long.parseLong(digits);
        out.add(
            new AdditionalAmount(
                a.substring(0, 2),
                a.substring(2, 4),
                a.substring(4, 7),
                sign == 'D' ? -amount : amount));
      }
      return out;
    }
  }

  /**
   * DE90: the original message's type (4), STAN (6), transmission date and time (10), acquiring
   * institution id (11, zero-filled on the left) and forwarding institution id (11).
   */
  public record OriginalData(String type, String stan, String transmissionTime, String acquirer) {

    public static OriginalData parse(String de90) {
      return new OriginalData(
          de90.substring(0, 4),
          de90.substring(4, 10),
          de90.substring(10, 20),
          de90.substring(20, 31));
    }

    public String format() {
      return type + stan + transmissionTime + acquirer + "00000000000";
    }

    public String networkTransactionId() {
      return Layout.networkTransactionId(acquirer, transmissionTime, stan);
    }
  }

  /**
   * The network transaction id CardOS gives an ISO 8583 message: acquirer (DE32, zero-filled to 11
   * digits), transmission date and time (DE7) and STAN (DE11) together name one message, exactly as
   * DE90 names an original. A retransmission carries the same three and so is a repeat.
   */
  public static String networkTransactionId(String acquirer, String transmissionTime, String stan) {
    return "iso:"
        + "%11s".formatted(acquirer).replace(' ', '0')
        + ":"
        + transmissionTime
        + ":"
        + stan;
  }

  /** The message field by field, as the simulator prints it: sensitive fields masked. */
  public static String describe(IsoMessage m) {
    StringBuilder out = new StringBuilder(mti(m.getType()));
    for (Field field : FIELDS.values()) {
      if (!m.hasField(field.number())) {
        continue;
      }
      String value = String.valueOf((Object) m.getObjectValue(field.number()));
      String shown;
      if (field.number() == PAN) {
        shown =
            value.length() > 4
                ? "*".repeat(value.length() - 4) + value.substring(value.length() - 4)
                : "****";
      } else if (field.sensitive()) {
        shown = "[" + value.length() + " characters, masked]";
      } else {
        shown = value;
      }
      out.append(System.lineSeparator())
          .append("  DE%-3d %-45s %s".formatted(field.number(), field.name(), shown));
    }
    return out.toString();
  }
}
