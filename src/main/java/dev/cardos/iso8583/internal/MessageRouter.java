package dev.cardos.iso8583.internal;

import com.solab.iso8583.IsoMessage;
import dev.cardos.authorization.Adjustment;
import dev.cardos.authorization.Authorization;
import dev.cardos.authorization.DecisionCore;
import dev.cardos.authorization.NetworkMessages;
import dev.cardos.authorization.NetworkMessages.Presentment;
import dev.cardos.authorization.Transaction;
import dev.cardos.cards.CardSecurity;
import dev.cardos.cards.Pan;
import dev.cardos.controls.Channel;
import dev.cardos.iso8583.Layout;
import dev.cardos.iso8583.Layout.Malformed;
import dev.cardos.shared.Problem;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one ISO 8583 request into the matching {@link NetworkMessages} call and its answer into the
 * response message: 0100→0110, 0120→0130, 0200→0210, 0400→0410, 0420→0430, 0800→0810 (repeats 0101,
 * 0121, 0201, 0401, 0421 are answered as their originals). The response echoes the request's STAN,
 * terminal, RRN and amounts, never its card number, track 2, PIN block or CVV2. A request whose
 * fields are wrong is answered with DE39 30 (format error).
 */
public final class MessageRouter {

  private static final Logger log = LoggerFactory.getLogger(MessageRouter.class);

  /** Fields copied from a request to its response when present. */
  private static final List<Integer> ECHOED =
      List.of(
          Layout.PROCESSING_CODE,
          Layout.AMOUNT,
          Layout.TRANSMISSION_TIME,
          Layout.STAN,
          Layout.LOCAL_TIME,
          Layout.LOCAL_DATE,
          Layout.ACQUIRER,
          Layout.RRN,
          Layout.TERMINAL,
          Layout.MERCHANT_ID,
          Layout.CURRENCY,
          Layout.NETWORK_MANAGEMENT_CODE,
          Layout.ORIGINAL_DATA);

  static final String APPROVED = "00";
  static final String VERIFIED = "85";
  static final String INVALID_TRANSACTION = "12";
  static final String INVALID_AMOUNT = "13";
  static final String ORIGINAL_NOT_FOUND = "25";
  static final String FORMAT_ERROR = "30";
  static final String DUPLICATE = "94";
  static final String SYSTEM_MALFUNCTION = "96";

  private final NetworkMessages network;

  public MessageRouter(NetworkMessages network) {
    this.network = network;
  }

  /** The response to a decoded request, or empty for a message that is itself a response. */
  public Optional<IsoMessage> answer(IsoMessage request, long arrivalNanos) {
    int type = request.getType() & ~1;
    if ((type & 0x10) != 0) {
      return Optional.empty();
    }
    IsoMessage response = Layout.message(type + 0x10);
    List<Integer> invalid = Layout.invalidFields(request);
    for (int number : ECHOED) {
      String value = Layout.text(request, number);
      if (value != null && !invalid.contains(number)) {
        Layout.set(response, number, value);
      }
    }
    String code;
    try {
      if (!invalid.isEmpty()) {
        throw new Malformed("fields " + invalid + " break the layout");
      }
      code =
          switch (type) {
            case 0x100 -> authorization(request, response, arrivalNanos, false);
            case 0x200 -> authorization(request, response, arrivalNanos, true);
            case 0x120 -> advice(request, response);
            case 0x400, 0x420 -> reversal(request, response);
            case 0x800 -> networkManagement(request);
            default -> INVALID_TRANSACTION;
          };
    } catch (Malformed e) {
      log.info(
          "iso8583 {} stan={} format error: {}",
          Layout.mti(request.getType()),
          Layout.text(request, Layout.STAN),
          e.getMessage());
      code = FORMAT_ERROR;
    } catch (Problem p) {
      code =
          switch (p.code()) {
            case RESOURCE_NOT_FOUND -> ORIGINAL_NOT_FOUND;
            case VALIDATION_FAILED -> FORMAT_ERROR;
            case REFERENCE_TAKEN -> DUPLICATE;
            case STATE_CONFLICT -> INVALID_TRANSACTION;
            case FX_RATE_UNAVAILABLE -> "57";
            default -> SYSTEM_MALFUNCTION;
          };
      log.info(
          "iso8583 {} stan={} refused: {} ({})",
          Layout.mti(request.getType()),
          Layout.text(request, Layout.STAN),
          p.code(),
          p.detail());
    } catch (RuntimeException e) {
      // Only the class: a message from deeper code is not known to be free of card data.
      log.error(
          "iso8583 {} stan={} failed: {}",
          Layout.mti(request.getType()),
          Layout.text(request, Layout.STAN),
          e.getClass().getName());
      code = SYSTEM_MALFUNCTION;
    }
    Layout.set(response, Layout.RESPONSE_CODE, code);
    log.debug(
        "iso8583 {} stan={} terminal={} -> {}",
        Layout.mti(request.getType()),
        Layout.text(request, Layout.STAN),
        Layout.text(request, Layout.TERMINAL),
        code);
    return Optional.of(response);
  }

  // ------------------------------------------------------------------ 0100, 0200

  private String authorization(
      IsoMessage request, IsoMessage response, long arrivalNanos, boolean financial)
      throws Malformed {
    String processing = required(request, Layout.PROCESSING_CODE).substring(0, 2);
    return switch (processing) {
      case "30", "31" -> inquiry(request, response, true);
      case "00", "01" -> {
        long amount = amount(request);
        if (amount == 0) {
          yield inquiry(request, response, false);
        }
        Authorization a = network.authorize(presentment(request, amount), arrivalNanos);
        if (a.approved()) {
          Layout.set(response, Layout.APPROVAL_CODE, approvalCode(a.id()));
          if (financial) {
            settle(request, a);
          }
        }
        yield a.responseCode();
      }
      case "20" -> {
        if (!financial) {
          yield INVALID_TRANSACTION;
        }
        Presentment p = presentment(request, amount(request));
        String original =
            request.hasField(Layout.ORIGINAL_DATA)
                ? Layout.OriginalData.parse(Layout.text(request, Layout.ORIGINAL_DATA))
                    .networkTransactionId()
                : null;
        Transaction refund =
            network.refund(
                p.networkTransactionId(),
                p.pan(),
                p.amount(),
                p.currency(),
                p.merchant(),
                original);
        Layout.set(response, Layout.APPROVAL_CODE, approvalCode(refund.id()));
        yield APPROVED;
      }
      default -> INVALID_TRANSACTION;
    };
  }

  /** A single-message (0200) purchase is cleared as soon as it is approved. */
  private void settle(IsoMessage request, Authorization a) {
    try {
      network.clear(a.networkTransactionId() + ":clearing", a.networkTransactionId(), null, true);
    } catch (RuntimeException e) {
      // The approval stands with its hold, which a later clearing or the expiry resolves.
      log.error(
          "iso8583 0200 stan={} approved but not cleared: {}",
          Layout.text(request, Layout.STAN),
          e.getClass().getName());
    }
  }

  /** Account verification ($0) or balance inquiry: card checks only, no hold. */
  private String inquiry(IsoMessage request, IsoMessage response, boolean balance)
      throws Malformed {
    if (balance && request.hasField(Layout.AMOUNT) && amount(request) != 0) {
      return INVALID_AMOUNT;
    }
    NetworkMessages.CardCheck check = network.check(presentment(request, 0));
    if (!check.passed()) {
      return check.decline().responseCode();
    }
    if (!balance) {
      return VERIFIED;
    }
    String accountType = required(request, Layout.PROCESSING_CODE).substring(2, 4);
    String currency = Layout.numericCurrency(check.currency());
    Layout.set(
        response,
        Layout.ADDITIONAL_AMOUNTS,
        new Layout.AdditionalAmount(accountType, "01", currency, check.ledgerMinor()).format()
            + new Layout.AdditionalAmount(accountType, "02", currency, check.availableMinor())
                .format());
    return APPROVED;
  }

  // ------------------------------------------------------------------ 0120

  private String advice(IsoMessage request, IsoMessage response) throws Malformed {
    String processing = required(request, Layout.PROCESSING_CODE).substring(0, 2);
    if (!processing.equals("00") && !processing.equals("01")) {
      return INVALID_TRANSACTION;
    }
    String standIn = Layout.text(request, Layout.RESPONSE_CODE);
    Presentment p = presentment(request, amount(request));
    if (standIn != null && !standIn.equals(APPROVED)) {
      // The network declined in stand-in: nothing was held, nothing to record; acknowledged.
      return APPROVED;
    }
    Authorization a = network.recordAdvice(p);
    Layout.set(response, Layout.APPROVAL_CODE, approvalCode(a.id()));
    return APPROVED;
  }

  // ------------------------------------------------------------------ 0400, 0420

  private String reversal(IsoMessage request, IsoMessage response) throws Malformed {
    String id = networkTransactionId(request);
    Layout.OriginalData original =
        Layout.OriginalData.parse(required(request, Layout.ORIGINAL_DATA));
    long originalAmount = amount(request);
    long remaining = 0;
    String replacement = Layout.text(request, Layout.REPLACEMENT_AMOUNTS);
    if (replacement != null) {
      String actual = "%-42s".formatted(replacement).substring(0, 12);
      if (!actual.chars().allMatch(Character::isDigit)) {
        throw new Malformed("field 95's actual amount must be 12 digits");
      }
      remaining = Long.parseLong(actual);
      if (remaining >= originalAmount) {
        return INVALID_AMOUNT;
      }
    }
    // DE95 is what the merchant now takes in all: release what is held beyond it (a second
    // partial reversal releases from what the first left, not from DE4 again).
    Adjustment adjustment =
        remaining == 0
            ? network.reverse(id, original.networkTransactionId(), null)
            : network.reverseTo(id, original.networkTransactionId(), remaining);
    if (adjustment.approved()) {
      Layout.set(response, Layout.APPROVAL_CODE, approvalCode(adjustment.id()));
    }
    return adjustment.responseCode();
  }

  // ------------------------------------------------------------------ 0800

  private static String networkManagement(IsoMessage request) throws Malformed {
    return switch (required(request, Layout.NETWORK_MANAGEMENT_CODE)) {
      case "001", "002", "301" -> APPROVED;
      default -> INVALID_TRANSACTION;
    };
  }

  // ------------------------------------------------------------------ reading a request

  private static String required(IsoMessage m, int number) throws Malformed {
    String value = Layout.text(m, number);
    if (value == null) {
      throw new Malformed("field " + number + " is required");
    }
    return value;
  }

  private static long amount(IsoMessage m) throws Malformed {
    return Long.parseLong(required(m, Layout.AMOUNT));
  }

  private static String networkTransactionId(IsoMessage m) throws Malformed {
    return Layout.networkTransactionId(
        required(m, Layout.ACQUIRER),
        required(m, Layout.TRANSMISSION_TIME),
        required(m, Layout.STAN));
  }

  /** The card, merchant and amount a request presents; never quoted in an error. */
  static Presentment presentment(IsoMessage m, long amount) throws Malformed {
    String id = networkTransactionId(m);
    required(m, Layout.TERMINAL);
    String panDigits = Layout.text(m, Layout.PAN);
    String expiry = Layout.text(m, Layout.EXPIRY);
    String track2 = Layout.text(m, Layout.TRACK2);
    if (panDigits == null && track2 != null) {
      int separator = Math.max(track2.indexOf('='), track2.indexOf('D'));
      if (separator < 0 || track2.length() < separator + 5) {
        throw new Malformed("field 35 has no separator and expiry");
      }
      panDigits = track2.substring(0, separator);
      expiry = expiry == null ? track2.substring(separator + 1, separator + 5) : expiry;
    }
    if (panDigits == null) {
      throw new Malformed("field 2 (or 35) is required");
    }
    Pan pan;
    try {
      pan = new Pan(panDigits);
    } catch (IllegalArgumentException e) {
      throw new Malformed("field 2 must be 12 to 19 digits");
    }
    String currency =
        Layout.currencyOf(required(m, Layout.CURRENCY))
            .orElseThrow(() -> new Malformed("field 49 is not an ISO 4217 currency"));
    Layout.NameLocation where =
        Layout.NameLocation.parse(required(m, Layout.MERCHANT_NAME_LOCATION));
    DecisionCore.Merchant merchant =
        new DecisionCore.Merchant(
            required(m, Layout.MERCHANT_ID),
            where.name(),
            required(m, Layout.MCC),
            where.city(),
            where.country());
    String cvv2 = null;
    DecisionCore.ThreeDs threeDs = null;
    String additional = Layout.text(m, Layout.ADDITIONAL_DATA);
    if (additional != null) {
      Map<String, String> sub = Layout.subelements(additional);
      cvv2 = sub.get(Layout.SUBELEMENT_CVV2);
      if (cvv2 != null && !cvv2.matches("[0-9]{3,4}")) {
        throw new Malformed("field 48 sub-element 92 (CVV2) must be 3 or 4 digits");
      }
      String outcome = sub.get(Layout.SUBELEMENT_THREE_DS);
      if (outcome != null) {
        threeDs =
            switch (outcome) {
              case "A" -> DecisionCore.ThreeDs.AUTHENTICATED;
              case "F" -> DecisionCore.ThreeDs.FAILED;
              case "N" -> DecisionCore.ThreeDs.NOT_ATTEMPTED;
              default -> throw new Malformed("field 48 sub-element 42 must be A, F or N");
            };
      }
    }
    CardSecurity.PinBlockFormat pinFormat = null;
    byte[] pinBlock = null;
    String pin = Layout.text(m, Layout.PIN_BLOCK);
    if (pin != null) {
      if (!pin.matches("[0-9A-Fa-f]{16}|[0-9A-Fa-f]{32}")) {
        throw new Malformed("field 52 must be 16 (ISO 0) or 32 (ISO 4) hexadecimal characters");
      }
      pinFormat =
          pin.length() == 16
              ? CardSecurity.PinBlockFormat.ISO_0
              : CardSecurity.PinBlockFormat.ISO_4;
      pinBlock = HexFormat.of().parseHex(pin);
    }
    return new Presentment(
        id,
        pan,
        expiry,
        cvv2,
        pinFormat,
        pinBlock,
        threeDs,
        amount,
        currency,
        channel(m),
        merchant);
  }

  /**
   * Cash (processing code 01) is an ATM withdrawal; otherwise DE25 says how the card was present:
   * 59 e-commerce, 08 mail or telephone order, anything else a point of sale.
   */
  static Channel channel(IsoMessage m) {
    String processing = Layout.text(m, Layout.PROCESSING_CODE);
    if (processing != null && processing.startsWith("01")) {
      return Channel.ATM;
    }
    String condition = Layout.text(m, Layout.POS_CONDITION);
    if ("59".equals(condition)) {
      return Channel.ECOMMERCE;
    }
    if ("08".equals(condition)) {
      return Channel.MOTO;
    }
    return Channel.POS;
  }

  /** DE38: six characters of the id CardOS gave the answer, so support can find it. */
  static String approvalCode(String id) {
    return id.substring(id.length() - 6).toUpperCase(java.util.Locale.ROOT);
  }
}
