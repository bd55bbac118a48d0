package dev.cardos.cards;

import dev.cardos.tenancy.Realm;

/**
 * Verifies what a cardholder presents at a payment: the CVV2 and the PIN. The authorization engine
 * calls this; nothing here returns or logs a CVV2, PIN or card number.
 */
public interface CardSecurity {

  /** How a PIN block is encrypted: ISO 9564 format 0 under the BIN's TDES PIN key, or format 4. */
  enum PinBlockFormat {
    ISO_0,
    ISO_4
  }

  /** The outcome of a PIN check. */
  enum PinCheck {
    VERIFIED,
    INCORRECT,
    /** Three wrong PINs in a row: PIN use is locked until a new PIN is set. */
    TRIES_EXCEEDED,
    /** No PIN was ever set on the card. */
    NOT_SET
  }

  /** Checks an encrypted PIN block, counting wrong tries (three lock PIN use). */
  PinCheck verifyPin(Realm realm, String cardId, PinBlockFormat format, byte[] pinBlock);

  /** Whether {@code cvv2} is the card's CVV2 for its current expiry. */
  boolean verifyCvv2(Realm realm, String cardId, String cvv2);

  /**
   * Whether {@code cvv2} is the card's CVV2 for its current expiry, given the number the network
   * presented (which found this card): no need to read and decrypt the stored number.
   */
  boolean verifyCvv2(Realm realm, Card card, Pan presented, String cvv2);
}
