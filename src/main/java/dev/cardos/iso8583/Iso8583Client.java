package dev.cardos.iso8583;

import com.solab.iso8583.IsoMessage;
import dev.cardos.iso8583.internal.Frames;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The network's side of a connection, for the simulator, the benchmark and tests: sends requests
 * without waiting and completes each one's future when the response with the same STAN and terminal
 * arrives, whatever the order. A request not answered within its timeout fails with a {@link
 * java.util.concurrent.TimeoutException}; responses nobody waits for are counted.
 */
public final class Iso8583Client implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ReentrantLock writing = new ReentrantLock();
  private final Map<String, CompletableFuture<IsoMessage>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger stans = new AtomicInteger();
  private final AtomicLong unmatched = new AtomicLong();
  private final Duration timeout;
  private final Thread reader;

  private Iso8583Client(Socket socket, Duration timeout) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = new BufferedOutputStream(socket.getOutputStream());
    this.timeout = timeout;
    this.reader = Thread.ofVirtual().name("iso8583-client-read").start(this::readLoop);
  }

  public static Iso8583Client connect(String host, int port, Duration timeout) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
    socket.setTcpNoDelay(true);
    return new Iso8583Client(socket, timeout);
  }

  /** The next STAN, 000001 to 999999 and round again. */
  public String nextStan() {
    return "%06d".formatted(stans.updateAndGet(s -> s >= 999_999 ? 1 : s + 1));
  }

  private static String key(IsoMessage m) {
    String terminal = Layout.text(m, Layout.TERMINAL);
    return Layout.text(m, Layout.STAN) + "/" + (terminal == null ? "" : terminal);
  }

  /** Sends a request; the future completes with its response or fails after the timeout. */
  public CompletableFuture<IsoMessage> send(IsoMessage request) {
    String key = key(request);
    CompletableFuture<IsoMessage> answer = new CompletableFuture<>();
    if (pending.putIfAbsent(key, answer) != null) {
      throw new IllegalStateException("a request with STAN/terminal " + key + " is in flight");
    }
    answer.whenComplete((m, e) -> pending.remove(key, answer));
    try {
      sendRaw(Layout.encode(request));
    } catch (IOException e) {
      answer.completeExceptionally(e);
      return answer;
    }
    return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Writes bytes as one frame, whatever they hold (tests send garbage this way). */
  public void sendRaw(byte[] message) throws IOException {
    writing.lock();
    try {
      Frames.write(out, message);
      out.flush();
    } finally {
      writing.unlock();
    }
  }

  /** Writes bytes with no framing at all (tests send bad length headers this way). */
  public void sendUnframed(byte[] bytes) throws IOException {
    writing.lock();
    try {
      out.write(bytes);
      out.flush();
    } finally {
      writing.unlock();
    }
  }

  /** Responses that matched no request in flight. */
  public long unmatched() {
    return unmatched.get();
  }

  /** Whether the server still has the connection open (a read has not hit its end). */
  public boolean open() {
    return reader.isAlive();
  }

  private void readLoop() {
    try {
      while (true) {
        byte[] frame = Frames.read(in, 0xFFFF);
        if (frame == null) {
          break;
        }
        IsoMessage response;
        try {
          response = Layout.decode(frame);
        } catch (Layout.Malformed e) {
          unmatched.incrementAndGet();
          continue;
        }
        CompletableFuture<IsoMessage> waiting = pending.get(key(response));
        if (waiting == null) {
          unmatched.incrementAndGet();
        } else {
          waiting.complete(response);
        }
      }
    } catch (IOException e) {
      // The connection is gone; what still waits fails below.
    }
    IOException closed = new IOException("the connection closed");
    pending.values().forEach(f -> f.completeExceptionally(closed));
  }

  /** Waits until the server has closed the connection, up to the timeout; whether it did. */
  public boolean awaitClosed(Duration within) throws InterruptedException {
    return reader.join(within);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
