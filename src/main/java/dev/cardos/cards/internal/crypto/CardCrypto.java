package dev.cardos.cards.internal.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The card-scheme cryptography CardOS needs, in software: Visa CVV/CVV2 (and Mastercard CVC, the
 * same algorithm), the Visa PIN verification value, IBM 3624 PIN offsets, and ISO 9564 PIN blocks
 * formats 0 and 4. Each reproduces the known answers in {@code card-crypto-vectors.md}.
 *
 * <p>In production these operations belong in a hardware security module; keys are passed in here
 * so an HSM adapter can take the same calls with key references instead. Nothing here logs, and no
 * method's exception message contains a PAN, PIN or key.
 */
public final class CardCrypto {

  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  private static final int IDLE_PER_ALGORITHM = 64;

  /**
   * Cipher objects between uses, per algorithm. Finding the provider's implementation took most of
   * a CVV2 check's time (2.4 % of CardOS's CPU under load); a cipher is re-initialised with its key
   * for every use, and only one caller holds it at a time. At most {@link #IDLE_PER_ALGORITHM} are
   * kept; more concurrent callers make their own.
   */
  private static final Map<String, Queue<Cipher>> IDLE =
      Map.of(
          "DES", new ArrayBlockingQueue<>(IDLE_PER_ALGORITHM),
          "DESede", new ArrayBlockingQueue<>(IDLE_PER_ALGORITHM),
          "AES", new ArrayBlockingQueue<>(IDLE_PER_ALGORITHM));

  private CardCrypto() {}

  /**
   * The card verification value: {@code digits} (3, or 4 for some schemes) derived with the CVK
   * pair from PAN, expiry (YYMM) and service code ({@code 000} for the CVV2 printed on a card).
   */
  public static String cvv(
      byte[] cvkA, byte[] cvkB, String pan, String expiryYymm, String serviceCode, int digits) {
    requireDigits(pan, 12, 19, "PAN");
    requireDigits(expiryYymm, 4, 4, "expiry");
    requireDigits(serviceCode, 3, 3, "service code");
    String data = pad(pan + expiryYymm + serviceCode, 32, '0');
    byte[] block1 = HEX.parseHex(data.substring(0, 16));
    byte[] block2 = HEX.parseHex(data.substring(16, 32));
    byte[] step1 = des(cvkA, block1);
    byte[] step2 = xor(step1, block2);
    byte[] result = tripleDes(cvkA, cvkB, step2);
    return decimalize(HEX.formatHex(result), digits);
  }

  /**
   * The Visa PIN verification value: 4 digits from the PVK pair over the 11 rightmost PAN digits
   * (check digit excluded), the PVK index and the 4-digit PIN.
   */
  public static String pvv(byte[] pvkPair, String pan, int pvki, String pin) {
    requireDigits(pan, 12, 19, "PAN");
    requireDigits(pin, 4, 4, "PIN");
    if (pvki < 0 || pvki > 9) {
      throw new IllegalArgumentException("PVKI must be one digit");
    }
    String withoutCheck = pan.substring(0, pan.length() - 1);
    String tsp = withoutCheck.substring(withoutCheck.length() - 11) + pvki + pin;
    byte[] encrypted = tripleDes(half(pvkPair, 0), half(pvkPair, 1), HEX.parseHex(tsp));
    return decimalize(HEX.formatHex(encrypted), 4);
  }

  /** The IBM 3624 natural PIN of {@code length} digits. */
  public static String ibm3624NaturalPin(
      byte[] pvkPair, String pan, String decimalizationTable, char pad, int length) {
    requireDigits(pan, 12, 19, "PAN");
    if (decimalizationTable.length() != 16) {
      throw new IllegalArgumentException("a decimalization table has 16 digits");
    }
    String validation = pan.length() >= 16 ? pan.substring(0, 16) : pad(pan, 16, pad);
    String encrypted =
        HEX.formatHex(tripleDes(half(pvkPair, 0), half(pvkPair, 1), HEX.parseHex(validation)));
    StringBuilder natural = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      natural.append(decimalizationTable.charAt(Character.digit(encrypted.charAt(i), 16)));
    }
    return natural.toString();
  }

  /** The customer PIN for an IBM 3624 offset: natural PIN plus offset, digit by digit, mod 10. */
  public static String ibm3624Pin(
      byte[] pvkPair, String pan, String decimalizationTable, char pad, String offset) {
    requireDigits(offset, 4, 12, "offset");
    String natural = ibm3624NaturalPin(pvkPair, pan, decimalizationTable, pad, offset.length());
    StringBuilder pin = new StringBuilder(offset.length());
    for (int i = 0; i < offset.length(); i++) {
      pin.append(
          (Character.digit(natural.charAt(i), 10) + Character.digit(offset.charAt(i), 10)) % 10);
    }
    return pin.toString();
  }

  /** The offset that makes {@code pin} the customer PIN: (PIN - natural PIN) mod 10 per digit. */
  public static String ibm3624Offset(
      byte[] pvkPair, String pan, String decimalizationTable, char pad, String pin) {
    requireDigits(pin, 4, 12, "PIN");
    String natural = ibm3624NaturalPin(pvkPair, pan, decimalizationTable, pad, pin.length());
    StringBuilder offset = new StringBuilder(pin.length());
    for (int i = 0; i < pin.length(); i++) {
      offset.append(
          (Character.digit(pin.charAt(i), 10) - Character.digit(natural.charAt(i), 10) + 10) % 10);
    }
    return offset.toString();
  }

  /** The clear ISO 9564 format 0 PIN block of {@code pin} for {@code pan}. */
  public static byte[] pinBlockFormat0(String pin, String pan) {
    requireDigits(pin, 4, 12, "PIN");
    requireDigits(pan, 13, 19, "PAN");
    String pinField = pad("0" + Integer.toHexString(pin.length()).toUpperCase() + pin, 16, 'F');
    return xor(HEX.parseHex(pinField), HEX.parseHex(format0PanField(pan)));
  }

  /** The PIN in a clear ISO 9564 format 0 block, or throws if the block is not well formed. */
  public static String pinFromFormat0(byte[] block, String pan) {
    requireDigits(pan, 13, 19, "PAN");
    if (block.length != 8) {
      throw new IllegalArgumentException("a format 0 PIN block has 8 bytes");
    }
    String field = HEX.formatHex(xor(block, HEX.parseHex(format0PanField(pan))));
    return pinFromField(field, '0', 'F');
  }

  /**
   * An ISO 9564 format 4 PIN block: AES(K, AES(K, PIN field) XOR PAN field), with {@code random} (8
   * bytes) filling the PIN field's second half.
   */
  public static byte[] pinBlockFormat4(byte[] aesKey, String pin, String pan, byte[] random) {
    requireDigits(pin, 4, 12, "PIN");
    requireDigits(pan, 12, 19, "PAN");
    if (random.length != 8) {
      throw new IllegalArgumentException("format 4 needs 8 random bytes");
    }
    String pinHalf = pad("4" + Integer.toHexString(pin.length()).toUpperCase() + pin, 16, 'A');
    byte[] pinField = concat(HEX.parseHex(pinHalf), random);
    byte[] intermediate = aes(aesKey, pinField, Cipher.ENCRYPT_MODE);
    return aes(aesKey, xor(intermediate, format4PanField(pan)), Cipher.ENCRYPT_MODE);
  }

  /** The PIN in an ISO 9564 format 4 block, or throws if the block is not well formed. */
  public static String pinFromFormat4(byte[] aesKey, byte[] block, String pan) {
    requireDigits(pan, 12, 19, "PAN");
    if (block.length != 16) {
      throw new IllegalArgumentException("a format 4 PIN block has 16 bytes");
    }
    byte[] intermediate = xor(aes(aesKey, block, Cipher.DECRYPT_MODE), format4PanField(pan));
    String field = HEX.formatHex(aes(aesKey, intermediate, Cipher.DECRYPT_MODE)).substring(0, 16);
    return pinFromField(field, '4', 'A');
  }

  /** Visa/IBM decimalization: decimal digits left to right, then A-F less 10, left to right. */
  static String decimalize(String hex, int digits) {
    StringBuilder out = new StringBuilder(digits);
    for (int i = 0; i < hex.length() && out.length() < digits; i++) {
      char c = hex.charAt(i);
      if (c >= '0' && c <= '9') {
        out.append(c);
      }
    }
    for (int i = 0; i < hex.length() && out.length() < digits; i++) {
      char c = hex.charAt(i);
      if (c >= 'A' && c <= 'F') {
        out.append((char) ('0' + (c - 'A')));
      }
    }
    return out.toString();
  }

  private static String format0PanField(String pan) {
    String withoutCheck = pan.substring(0, pan.length() - 1);
    return "0000" + withoutCheck.substring(withoutCheck.length() - 12);
  }

  private static byte[] format4PanField(String pan) {
    int m = pan.length() - 12;
    String padded = pan.length() < 12 ? pad("", 12 - pan.length(), '0') + pan : pan;
    return HEX.parseHex(pad(m + padded, 32, '0'));
  }

  private static String pinFromField(String field, char format, char filler) {
    if (field.charAt(0) != format) {
      throw new IllegalArgumentException("not a format " + format + " PIN block");
    }
    int length = Character.digit(field.charAt(1), 16);
    if (length < 4 || length > 12) {
      throw new IllegalArgumentException("PIN block has an invalid PIN length");
    }
    String pin = field.substring(2, 2 + length);
    String fill = field.substring(2 + length, 16);
    if (!pin.chars().allMatch(Character::isDigit) || fill.chars().anyMatch(c -> c != filler)) {
      throw new IllegalArgumentException("PIN block is malformed");
    }
    return pin;
  }

  private static byte[] des(byte[] key, byte[] block) {
    return cipher("DES", key, block, Cipher.ENCRYPT_MODE);
  }

  private static byte[] tripleDes(byte[] keyA, byte[] keyB, byte[] block) {
    return cipher("DESede", concat(concat(keyA, keyB), keyA), block, Cipher.ENCRYPT_MODE);
  }

  private static byte[] aes(byte[] key, byte[] block, int mode) {
    return cipher("AES", key, block, mode);
  }

  private static byte[] cipher(String algorithm, byte[] key, byte[] block, int mode) {
    Queue<Cipher> idle = IDLE.get(algorithm);
    try {
      Cipher cipher = idle.poll();
      if (cipher == null) {
        cipher = Cipher.getInstance(algorithm + "/ECB/NoPadding");
      }
      cipher.init(mode, new SecretKeySpec(key, algorithm));
      byte[] out = cipher.doFinal(block);
      idle.offer(cipher); // dropped when the queue is full
      return out;
    } catch (GeneralSecurityException e) {
      // The message names the algorithm only: never a key or data.
      throw new IllegalStateException(algorithm + " failed", e);
    }
  }

  private static byte[] half(byte[] pair, int index) {
    if (pair.length != 16) {
      throw new IllegalArgumentException("a key pair has 16 bytes");
    }
    return Arrays.copyOfRange(pair, index * 8, index * 8 + 8);
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String pad(String s, int length, char with) {
    StringBuilder out = new StringBuilder(s);
    while (out.length() < length) {
      out.append(with);
    }
    return out.toString();
  }

  private static void requireDigits(String value, int min, int max, String what) {
    if (value == null
        || value.length() < min
        || value.length() > max
        || !value.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(what + " must be " + min + " to " + max + " digits");
    }
  }
}
