package dev.cardos.iso8583;

import com.solab.iso8583.IsoMessage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests as a card network builds them in CardOS's layout: what the simulator sends, and what the
 * tests send. One acquirer, one terminal per merchant.
 */
public final class NetworkRequests {

  private static final DateTimeFormatter TRANSMISSION =
      DateTimeFormatter.ofPattern("MMddHHmmss").withZone(ZoneOffset.UTC);

  private final String acquirer;

  public NetworkRequests(String acquirer) {
    this.acquirer = acquirer;
  }

  /** What the network knows of a card; {@code toString} shows the last four digits only. */
  public record Plastic(String pan, String expiryYymm, String cvv2) {
    @Override
    public String toString() {
      return "Plastic[****" + pan.substring(pan.length() - 4) + "]";
    }
  }

  /** Where the card is presented. {@code posCondition}: 00 present, 59 e-commerce, 08 MOTO. */
  public record Merchant(
      String id,
      String name,
      String mcc,
      String city,
      String country,
      String terminal,
      String posCondition) {}

  public static String transmissionTime(Instant at) {
    return TRANSMISSION.format(at);
  }

  /**
   * A card-present or card-not-present request: 0100 or 0200 (or 0120 advice, with the network's
   * stand-in answer in DE39). {@code processing} is DE3's first two digits (00 purchase, 01 cash,
   * 20 refund, 30/31 balance).
   */
  public IsoMessage presentment(
      int type,
      String stan,
      Instant at,
      Plastic card,
      String processing,
      long amount,
      String currency,
      Merchant merchant) {
    IsoMessage m = Layout.message(type);
    Layout.set(m, Layout.PAN, card.pan());
    Layout.set(m, Layout.PROCESSING_CODE, processing + "0000");
    Layout.set(m, Layout.AMOUNT, Long.toString(amount));
    Layout.set(m, Layout.TRANSMISSION_TIME, transmissionTime(at));
    Layout.set(m, Layout.STAN, stan);
    if (card.expiryYymm() != null) {
      Layout.set(m, Layout.EXPIRY, card.expiryYymm());
    }
    Layout.set(m, Layout.MCC, merchant.mcc());
    Layout.set(m, Layout.POS_CONDITION, merchant.posCondition());
    Layout.set(m, Layout.ACQUIRER, acquirer);
    Layout.set(m, Layout.RRN, transmissionTime(at).substring(4) + stan);
    Layout.set(m, Layout.TERMINAL, merchant.terminal());
    Layout.set(m, Layout.MERCHANT_ID, merchant.id());
    Layout.set(
        m,
        Layout.MERCHANT_NAME_LOCATION,
        new Layout.NameLocation(merchant.name(), merchant.city(), merchant.country()).format());
    if (card.cvv2() != null) {
      Map<String, String> sub = new LinkedHashMap<>();
      sub.put(Layout.SUBELEMENT_CVV2, card.cvv2());
      Layout.set(m, Layout.ADDITIONAL_DATA, Layout.subelements(sub));
    }
    Layout.set(m, Layout.CURRENCY, Layout.numericCurrency(currency));
    return m;
  }

  /**
   * A reversal (0400) or reversal advice (0420) of {@code original}: DE90 names it; {@code
   * remaining} (what the merchant still takes, in DE95) makes it partial, null reverses it all.
   */
  public IsoMessage reversal(
      int type, String stan, Instant at, IsoMessage original, Plastic card, Long remaining) {
    IsoMessage m = Layout.message(type);
    Layout.set(m, Layout.PAN, card.pan());
    for (int number :
        new int[] {
          Layout.PROCESSING_CODE,
          Layout.AMOUNT,
          Layout.MCC,
          Layout.POS_CONDITION,
          Layout.RRN,
          Layout.TERMINAL,
          Layout.MERCHANT_ID,
          Layout.MERCHANT_NAME_LOCATION,
          Layout.CURRENCY
        }) {
      String value = Layout.text(original, number);
      if (value != null) {
        Layout.set(m, number, value);
      }
    }
    Layout.set(m, Layout.TRANSMISSION_TIME, transmissionTime(at));
    Layout.set(m, Layout.STAN, stan);
    Layout.set(m, Layout.ACQUIRER, acquirer);
    Layout.set(m, Layout.ORIGINAL_DATA, originalData(original).format());
    if (remaining != null) {
      Layout.set(m, Layout.REPLACEMENT_AMOUNTS, "%012d".formatted(remaining) + "0".repeat(30));
    }
    return m;
  }

  /** DE90 naming a message sent before. */
  public static Layout.OriginalData originalData(IsoMessage original) {
    return new Layout.OriginalData(
        Layout.mti(original.getType()),
        Layout.text(original, Layout.STAN),
        Layout.text(original, Layout.TRANSMISSION_TIME),
        "%11s".formatted(Layout.text(original, Layout.ACQUIRER)).replace(' ', '0'));
  }

  /** The network transaction id CardOS gives a message sent before (for JSON follow-ups). */
  public static String networkTransactionId(IsoMessage sent) {
    return Layout.networkTransactionId(
        Layout.text(sent, Layout.ACQUIRER),
        Layout.text(sent, Layout.TRANSMISSION_TIME),
        Layout.text(sent, Layout.STAN));
  }

  /** 0800 network management: 001 sign-on, 002 sign-off, 301 echo. */
  public IsoMessage networkManagement(String stan, Instant at, String code) {
    IsoMessage m = Layout.message(0x800);
    Layout.set(m, Layout.TRANSMISSION_TIME, transmissionTime(at));
    Layout.set(m, Layout.STAN, stan);
    Layout.set(m, Layout.NETWORK_MANAGEMENT_CODE, code);
    return m;
  }
}
