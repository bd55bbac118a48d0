package dev.cardos.cards.internal;

import dev.cardos.cards.Card;
import dev.cardos.cards.CardSecurity;
import dev.cardos.cards.Pan;
import dev.cardos.cards.internal.crypto.CardCrypto;
import dev.cardos.keys.Keys;
import dev.cardos.programs.BinRange;
import dev.cardos.programs.Programs;
import dev.cardos.tenancy.Realm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * PIN and CVV2 handling in software, with keys from {@link Keys} (an HSM adapter would take these
 * calls instead). PINs are never stored: only the Visa PVV (PVKI 1) is.
 */
@Service
class CardSecurityService implements CardSecurity {

  static final int PIN_TRIES_MAX = 3;
  static final int PVKI = 1;

  private final JdbcCards cards;
  private final CardVault vault;
  private final Keys keys;
  private final Programs programs;

  CardSecurityService(JdbcCards cards, CardVault vault, Keys keys, Programs programs) {
    this.cards = cards;
    this.vault = vault;
    this.keys = keys;
    this.programs = programs;
  }

  /** The CVV2 printed on the card: derived, never stored (service code 000, expiry YYMM). */
  String cvv2(BinRange range, Pan pan, int expMonth, int expYear) {
    byte[] cvk = keys.material(range.cvkKeyId());
    return CardCrypto.cvv(
        java.util.Arrays.copyOfRange(cvk, 0, 8),
        java.util.Arrays.copyOfRange(cvk, 8, 16),
        pan.digits(),
        yymm(expMonth, expYear),
        "000",
        3);
  }

  /** The clear PIN in an encrypted block; throws IllegalArgumentException if malformed. */
  String pinFrom(BinRange range, Pan pan, PinBlockFormat format, byte[] block) {
    return switch (format) {
      case ISO_0 -> {
        if (block.length != 8) {
          throw new IllegalArgumentException("a format 0 PIN block has 8 bytes");
        }
        byte[] key = keys.material(range.pinKeyId());
        yield CardCrypto.pinFromFormat0(tdesDecrypt(key, block), pan.digits());
      }
      case ISO_4 ->
          CardCrypto.pinFromFormat4(keys.material(range.pinAesKeyId()), block, pan.digits());
    };
  }

  /** Encrypts a PIN the way a terminal would (test mode's simulator uses it). */
  byte[] pinBlock(BinRange range, Pan pan, PinBlockFormat format, String pin) {
    return switch (format) {
      case ISO_0 ->
          tdesEncrypt(
              keys.material(range.pinKeyId()), CardCrypto.pinBlockFormat0(pin, pan.digits()));
      case ISO_4 -> {
        byte[] random = new byte[8];
        new java.security.SecureRandom().nextBytes(random);
        yield CardCrypto.pinBlockFormat4(
            keys.material(range.pinAesKeyId()), pin, pan.digits(), random);
      }
    };
  }

  String pvv(BinRange range, Pan pan, String pin) {
    if (pin.length() != 4) {
      throw new IllegalArgumentException("the Visa PVV takes a 4-digit PIN");
    }
    return CardCrypto.pvv(keys.material(range.pvkKeyId()), pan.digits(), PVKI, pin);
  }

  @Override
  @Transactional
  public PinCheck verifyPin(Realm realm, String cardId, PinBlockFormat format, byte[] pinBlock) {
    JdbcCards.CardRow row = cards.row(realm, cardId, true).orElseThrow();
    if (row.pvv() == null) {
      return PinCheck.NOT_SET;
    }
    if (row.pinTries() >= PIN_TRIES_MAX) {
      return PinCheck.TRIES_EXCEEDED;
    }
    BinRange range = binRange(realm, row);
    Pan pan = vault.open(cardId, row.panCiphertext(), row.panKeyId());
    boolean correct;
    try {
      String pin = pinFrom(range, pan, format, pinBlock);
      correct = pin.length() == 4 && constantTimeEquals(pvv(range, pan, pin), row.pvv());
    } catch (IllegalArgumentException malformed) {
      correct = false;
    }
    if (correct) {
      if (row.pinTries() != 0) {
        cards.updatePinTries(cardId, 0);
      }
      return PinCheck.VERIFIED;
    }
    int tries = row.pinTries() + 1;
    cards.updatePinTries(cardId, tries);
    return tries >= PIN_TRIES_MAX ? PinCheck.TRIES_EXCEEDED : PinCheck.INCORRECT;
  }

  @Override
  public boolean verifyCvv2(Realm realm, String cardId, String cvv2) {
    JdbcCards.CardRow row = cards.row(realm, cardId, false).orElseThrow();
    Pan pan = vault.open(cardId, row.panCiphertext(), row.panKeyId());
    String expected = cvv2(binRange(realm, row), pan, row.card().expMonth(), row.card().expYear());
    return cvv2 != null && constantTimeEquals(expected, cvv2);
  }

  @Override
  public boolean verifyCvv2(Realm realm, Card card, Pan presented, String cvv2) {
    BinRange range =
        programs
            .binRange(programs.find(realm.tenantId(), card.programId()).orElseThrow().binRangeId())
            .orElseThrow();
    String expected = cvv2(range, presented, card.expMonth(), card.expYear());
    return cvv2 != null && constantTimeEquals(expected, cvv2);
  }

  BinRange binRange(Realm realm, JdbcCards.CardRow row) {
    String binRangeId =
        programs.find(realm.tenantId(), row.card().programId()).orElseThrow().binRangeId();
    return programs.binRange(binRangeId).orElseThrow();
  }

  static String yymm(int month, int year) {
    return String.format("%02d%02d", year % 100, month);
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] tdesDecrypt(byte[] pair, byte[] block) {
    return tdes(pair, block, Cipher.DECRYPT_MODE);
  }

  private static byte[] tdesEncrypt(byte[] pair, byte[] block) {
    return tdes(pair, block, Cipher.ENCRYPT_MODE);
  }

  private static byte[] tdes(byte[] pair, byte[] block, int mode) {
    try {
      byte[] key = new byte[24];
      System.arraycopy(pair, 0, key, 0, 16);
      System.arraycopy(pair, 0, key, 16, 8);
      Cipher cipher = Cipher.getInstance("DESede/ECB/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "DESede"));
      return cipher.doFinal(block);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("DESede failed", e);
    }
  }
}
