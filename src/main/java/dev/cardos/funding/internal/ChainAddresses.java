package dev.cardos.funding.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Deposit addresses in each chain's own format. This is the simulated custody used in test mode:
 * the addresses are well formed (an EIP-55 checksummed Ethereum address, a base58 Solana Ed25519
 * public key) but no key to spend from them is kept. Live mode needs a custody provider.
 */
final class ChainAddresses {

  private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ChainAddresses() {}

  static String ethereum() {
    byte[] address = new byte[20];
    RANDOM.nextBytes(address);
    return eip55(HexFormat.of().formatHex(address));
  }

  /** Applies the EIP-55 mixed-case checksum to 40 lower-case hex digits. */
  static String eip55(String lowerHex) {
    byte[] hash = Keccak256.digest(lowerHex.getBytes(StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder("0x");
    for (int i = 0; i < lowerHex.length(); i++) {
      char c = lowerHex.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out.append(Character.isLetter(c) && nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }

  static String solana() {
    try {
      byte[] encoded =
          KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
      // X.509 SubjectPublicKeyInfo for Ed25519 is a 12-byte header followed by the 32-byte key.
      byte[] key = java.util.Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
      return base58(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is part of every Java 15+ platform", e);
    }
  }

  static String base58(byte[] bytes) {
    BigInteger value = new BigInteger(1, bytes);
    StringBuilder out = new StringBuilder();
    BigInteger base = BigInteger.valueOf(58);
    while (value.signum() > 0) {
      BigInteger[] division = value.divideAndRemainder(base);
      out.append(BASE58.charAt(division[1].intValue()));
      value = division[0];
    }
    for (int i = 0; i < bytes.length && bytes[i] == 0; i++) {
      out.append('1');
    }
    return out.reverse().toString();
  }
}
