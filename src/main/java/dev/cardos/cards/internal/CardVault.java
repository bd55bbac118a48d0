package dev.cardos.cards.internal;

import dev.cardos.cards.Pan;
import dev.cardos.keys.Keys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * The only place a card number is encrypted, decrypted or hashed. Encryption is AES-256-GCM under
 * the active PAN key with the card id as associated data, so a ciphertext copied onto another card
 * row does not decrypt; look-ups use HMAC-SHA256 under a separate key, so the hash reveals nothing
 * without that key. Errors name key ids and card ids, never digits.
 */
@Component
public class CardVault {

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Keys keys;
  private final SecureRandom random = new SecureRandom();
  private volatile Mac lookupPrototype;

  public CardVault(Keys keys) {
    this.keys = keys;
  }

  /** A card number sealed for storage: {@code nonce || ciphertext} under {@code keyId}. */
  public record Sealed(byte[] ciphertext, String keyId) {}

  public Sealed seal(String cardId, Pan pan) {
    Keys.KeyRef key = keys.activePanDataKey();
    return new Sealed(encrypt(key.material(), cardId, pan.digits()), key.id());
  }

  /** Seals under a given key (rotation re-encrypts with the new key). */
  public Sealed seal(String cardId, Pan pan, String keyId) {
    return new Sealed(encrypt(keys.material(keyId), cardId, pan.digits()), keyId);
  }

  public Pan open(String cardId, byte[] ciphertext, String keyId) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(keys.material(keyId), "AES"),
          new GCMParameterSpec(TAG_BITS, ciphertext, 0, NONCE_BYTES));
      cipher.updateAAD(cardId.getBytes(StandardCharsets.UTF_8));
      byte[] clear = cipher.doFinal(ciphertext, NONCE_BYTES, ciphertext.length - NONCE_BYTES);
      return new Pan(new String(clear, StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("card " + cardId + " does not decrypt under " + keyId, e);
    }
  }

  /** The keyed hash that finds a card by its number without decrypting anything. */
  public byte[] lookupHash(Pan pan) {
    return lookupMac().doFinal(pan.digits().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * A look-up HMAC of its own for the caller: a copy of one keyed once. Finding the provider and
   * keying a new one on every authorization cost more than the hash itself; the look-up key never
   * changes (every stored hash depends on it). The keyed original is never used, only copied.
   */
  private Mac lookupMac() {
    try {
      Mac keyed = lookupPrototype;
      if (keyed == null) {
        keyed = Mac.getInstance("HmacSHA256");
        keyed.init(new SecretKeySpec(keys.panLookupKey().material(), "HmacSHA256"));
        lookupPrototype = keyed;
      }
      return (Mac) keyed.clone();
    } catch (GeneralSecurityException | CloneNotSupportedException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every Java platform", e);
    }
  }

  private byte[] encrypt(byte[] key, String cardId, String digits) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(cardId.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(digits.getBytes(StandardCharsets.US_ASCII));
      return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not encrypt card " + cardId, e);
    }
  }
}
