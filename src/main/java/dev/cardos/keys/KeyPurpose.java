package dev.cardos.keys;

import java.util.Locale;

/** What a key is for, and how long it is. */
public enum KeyPurpose {
  /** AES-256 for card numbers at rest; rotatable: the newest active one encrypts. */
  PAN_DATA(32),
  /** HMAC-SHA256 key for looking card numbers up without decrypting them. */
  PAN_LOOKUP(32),
  /** A card verification key pair (two DES keys) for CVV/CVV2. */
  CVK(16),
  /** A PIN verification key pair for the Visa PVV. */
  PVK(16),
  /** A triple-DES PIN encryption key for ISO 9564 format 0 blocks. */
  PIN_TDES(16),
  /** An AES-128 PIN encryption key for ISO 9564 format 4 blocks. */
  PIN_AES(16),
  /** The secret that signs a program's decision webhook requests (Standard Webhooks). */
  WEBHOOK_SECRET(32);

  private final int lengthBytes;

  KeyPurpose(int lengthBytes) {
    this.lengthBytes = lengthBytes;
  }

  public int lengthBytes() {
    return lengthBytes;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static KeyPurpose fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
