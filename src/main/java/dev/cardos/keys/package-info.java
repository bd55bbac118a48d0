/**
 * Key material: card verification keys, PIN verification and PIN encryption keys, and the keys that
 * encrypt and index card numbers. Every key is stored wrapped (AES-256-GCM) under a master key that
 * never reaches the database; {@link dev.cardos.keys.Keys} is the one door to them, so an HSM could
 * stand behind it instead.
 */
package dev.cardos.keys;
