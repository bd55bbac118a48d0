package dev.cardos.iso8583.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Length-prefixed framing: each message is preceded by its length in two bytes, big-endian (so at
 * most 65,535 bytes, and never more than the limit given). A frame over the limit is not read: the
 * stream cannot be trusted after it, and the caller closes the connection.
 */
public final class Frames {

  private Frames() {}

  /** A frame longer than the limit was announced. */
  public static final class Oversized extends IOException {
    public final int lengthBytes;

    Oversized(int lengthBytes) {
      super("a frame of " + lengthBytes + " bytes is over the limit", null);
      this.lengthBytes = lengthBytes;
    }
  }

  /**
   * The next frame's bytes; an empty array for a zero-length frame (a keep-alive); null at a clean
   * end of stream. A stream that ends inside a frame throws {@link EOFException}.
   */
  public static byte[] read(InputStream in, int bytesMax) throws IOException {
    int high = in.read();
    if (high < 0) {
      return null;
    }
    int low = in.read();
    if (low < 0) {
      throw new EOFException("the stream ended inside a length header");
    }
    int length = (high << 8) | low;
    if (length > bytesMax) {
      throw new Oversized(length);
    }
    byte[] frame = in.readNBytes(length);
    if (frame.length < length) {
      throw new EOFException(
          "the stream ended after " + frame.length + " of " + length + " announced bytes");
    }
    return frame;
  }

  /** Writes one frame; the caller serialises writers and flushes. */
  public static void write(OutputStream out, byte[] message) throws IOException {
    if (message.length > 0xFFFF) {
      throw new IllegalArgumentException("a frame holds at most 65535 bytes");
    }
    byte[] framed = new byte[message.length + 2];
    framed[0] = (byte) (message.length >>> 8);
    framed[1] = (byte) message.length;
    System.arraycopy(message, 0, framed, 2, message.length);
    out.write(framed);
  }
}
