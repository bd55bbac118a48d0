package dev.cardos.funding;

/**
 * An independent Keccak-f[1600] sponge for checking EIP-55 checksums in tests. Written from the
 * Keccak reference (FIPS 202 §3) rather than from the production class: lanes as {@code a[x][y]},
 * round constants from the LFSR and rho offsets from the (x, y) walk instead of tables. The domain
 * byte makes it Keccak-256 ({@code 0x01}, as Ethereum uses it) or SHA3-256 ({@code 0x06}), so the
 * sponge can be checked against the JDK's SHA3-256.
 */
final class ReferenceKeccak {

  static final byte KECCAK = 0x01;
  static final byte SHA3 = 0x06;

  private static final int RATE = 136; // bytes, for a 256-bit output
  private static final long[] ROUND_CONSTANTS = new long[24];
  private static final int[][] RHO = new int[5][5];

  static {
    for (int round = 0; round < 24; round++) {
      long rc = 0;
      for (int j = 0; j <= 6; j++) {
        if (lfsrBit(j + 7 * round)) {
          rc |= 1L << ((1 << j) - 1);
        }
      }
      ROUND_CONSTANTS[round] = rc;
    }
    int x = 1;
    int y = 0;
    for (int t = 0; t < 24; t++) {
      RHO[x][y] = ((t + 1) * (t + 2) / 2) % 64;
      int nextY = (2 * x + 3 * y) % 5;
      x = y;
      y = nextY;
    }
  }

  private ReferenceKeccak() {}

  /** Keccak-256, Ethereum's hash. */
  static byte[] keccak256(byte[] message) {
    return sponge(message, KECCAK);
  }

  static byte[] sponge(byte[] message, byte domain) {
    long[][] a = new long[5][5];
    int blockCount = message.length / RATE + 1;
    byte[] padded = new byte[blockCount * RATE];
    System.arraycopy(message, 0, padded, 0, message.length);
    padded[message.length] ^= domain;
    padded[padded.length - 1] ^= (byte) 0x80;
    for (int block = 0; block < blockCount; block++) {
      for (int i = 0; i < RATE; i++) {
        int lane = i / 8;
        a[lane % 5][lane / 5] ^= (padded[block * RATE + i] & 0xffL) << (8 * (i % 8));
      }
      permute(a);
    }
    byte[] out = new byte[32];
    for (int i = 0; i < out.length; i++) {
      int lane = i / 8;
      out[i] = (byte) (a[lane % 5][lane / 5] >>> (8 * (i % 8)));
    }
    return out;
  }

  private static void permute(long[][] a) {
    for (int round = 0; round < 24; round++) {
      // theta
      long[] c = new long[5];
      for (int x = 0; x < 5; x++) {
        c[x] = a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4];
      }
      for (int x = 0; x < 5; x++) {
        long d = c[(x + 4) % 5] ^ Long.rotateLeft(c[(x + 1) % 5], 1);
        for (int y = 0; y < 5; y++) {
          a[x][y] ^= d;
        }
      }
      // rho and pi
      long[][] b = new long[5][5];
      for (int x = 0; x < 5; x++) {
        for (int y = 0; y < 5; y++) {
          b[y][(2 * x + 3 * y) % 5] = Long.rotateLeft(a[x][y], RHO[x][y]);
        }
      }
      // chi
      for (int x = 0; x < 5; x++) {
        for (int y = 0; y < 5; y++) {
          a[x][y] = b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y]);
        }
      }
      // iota
      a[0][0] ^= ROUND_CONSTANTS[round];
    }
  }

  /** rc(t) of FIPS 202 Algorithm 5: the output bit of the LFSR x^8 + x^6 + x^5 + x^4 + 1. */
  private static boolean lfsrBit(int t) {
    if (t % 255 == 0) {
      return true;
    }
    int r = 1;
    for (int i = 1; i <= t % 255; i++) {
      r <<= 1;
      if ((r & 0x100) != 0) {
        r ^= 0x171;
      }
    }
    return (r & 1) != 0;
  }
}
