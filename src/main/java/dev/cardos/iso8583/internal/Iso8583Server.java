package dev.cardos.iso8583.internal;

import com.solab.iso8583.IsoMessage;
import dev.cardos.authorization.NetworkMessages;
import dev.cardos.iso8583.Layout;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The ISO 8583 listener. Each connection has a reader on a virtual thread that hands every frame to
 * a virtual thread of its own, so many messages are in flight on one connection and each is
 * answered as soon as it is decided, in any order (the network matches answers by STAN and
 * terminal). Limits: frame size (a larger frame closes the connection: the stream is lost after
 * it), unanswered messages per connection (past it reading waits), messages being decided at once
 * over all connections (the rest wait their turn), connections, time without a whole frame (a frame
 * trickled a byte at a time does not keep a connection), time an answer waits to be written (a peer
 * that stops reading is closed, instead of holding its connection and its handlers).
 *
 * <p>A frame that cannot be parsed at all is dropped with a log line naming its type and length
 * only; a parsed request with wrong fields is answered with DE39 30. Neither closes the connection.
 */
@Component
public class Iso8583Server implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Iso8583Server.class);

  private final Iso8583Properties properties;
  private final MessageRouter router;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final Semaphore workers;
  private final AtomicLong connectionIds = new AtomicLong();
  private volatile ServerSocket listener;
  private volatile boolean running;

  public Iso8583Server(Iso8583Properties properties, NetworkMessages network) {
    this.properties = properties;
    this.router = new MessageRouter(network);
    this.workers = new Semaphore(properties.workersMax(), true);
  }

  @Override
  public synchronized void start() {
    if (running || properties.port() == null) {
      return;
    }
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(
          new InetSocketAddress(InetAddress.getByName(properties.bindAddress()), properties.port()),
          200);
      listener = socket;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot listen for ISO 8583 on "
              + properties.bindAddress()
              + ":"
              + properties.port()
              + ": "
              + e.getMessage(),
          e);
    }
    running = true;
    Thread.ofVirtual().name("iso8583-accept").start(this::acceptLoop);
    Thread.ofVirtual().name("iso8583-sweep").start(this::sweepLoop);
    log.info(
        "ISO 8583 interface listening on {}:{}", properties.bindAddress(), listener.getLocalPort());
  }

  /** The port listened on, or -1 when the interface is off. */
  public int port() {
    ServerSocket socket = listener;
    return socket == null ? -1 : socket.getLocalPort();
  }

  @Override
  public synchronized void stop() {
    running = false;
    ServerSocket socket = listener;
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing is all that is left to do.
      }
    }
    for (Connection c : connections) {
      c.close("the server is stopping");
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void acceptLoop() {
    while (running) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (running) {
          log.warn("ISO 8583 accept failed: {}", e.getMessage());
        }
        continue;
      }
      long id = connectionIds.incrementAndGet();
      if (connections.size() >= properties.connectionsMax()) {
        log.warn(
            "iso8583 connection {} from {} refused: {} connections already open",
            id,
            socket.getRemoteSocketAddress(),
            connections.size());
        closeQuietly(socket);
        continue;
      }
      Connection c = new Connection(id, socket);
      connections.add(c);
      Thread.ofVirtual().name("iso8583-read-" + id).start(c::readLoop);
    }
  }

  /**
   * Once a second, closes the connections that sent no whole frame for the idle timeout, and those
   * whose answer has waited to be written for the write timeout. A socket's own read timeout cannot
   * see either: a byte now and then resets it, and a blocked write has none.
   */
  private void sweepLoop() {
    long idle = TimeUnit.SECONDS.toNanos(properties.idleTimeoutSeconds());
    long write = TimeUnit.SECONDS.toNanos(properties.writeTimeoutSeconds());
    while (running) {
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Connection c : connections) {
        long writingSince = c.writingSince;
        if (now - c.lastFrame > idle) {
          c.close("no whole frame for " + properties.idleTimeoutSeconds() + " s");
        } else if (writingSince != 0 && now - writingSince > write) {
          c.close("an answer waited " + properties.writeTimeoutSeconds() + " s to be written");
        }
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already gone.
    }
  }

  /** One network connection: a reader, its in-flight messages and one serialised writer. */
  private final class Connection {
    private final long id;
    private final Socket socket;
    private final Semaphore inFlight = new Semaphore(properties.inFlightPerConnectionMax());
    private final ReentrantLock writing = new ReentrantLock();
    private OutputStream out;

    /** When the last whole frame arrived (or the connection opened), for the sweeper. */
    private volatile long lastFrame = System.nanoTime();

    /** When the answer being written began to wait for the socket, 0 when none is. */
    private volatile long writingSince;

    private volatile boolean closing;

    Connection(long id, Socket socket) {
      this.id = id;
      this.socket = socket;
    }

    void readLoop() {
      log.info("iso8583 connection {} from {} opened", id, socket.getRemoteSocketAddress());
      String why = "the network closed it";
      try (socket) {
        socket.setSoTimeout(
            (int) Math.min(Integer.MAX_VALUE, properties.idleTimeoutSeconds() * 1000L));
        socket.setTcpNoDelay(true);
        InputStream in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
        while (running) {
          byte[] frame = Frames.read(in, properties.frameBytesMax());
          if (frame == null) {
            break;
          }
          lastFrame = System.nanoTime();
          if (frame.length == 0) {
            continue;
          }
          long arrival = System.nanoTime();
          inFlight.acquireUninterruptibly();
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      handle(frame, arrival);
                    } finally {
                      inFlight.release();
                    }
                  });
        }
      } catch (Frames.Oversized e) {
        why =
            "a frame of "
                + e.lengthBytes
                + " bytes is over the "
                + properties.frameBytesMax()
                + "-byte limit";
      } catch (SocketTimeoutException e) {
        why = "nothing arrived for " + properties.idleTimeoutSeconds() + " s";
      } catch (EOFException e) {
        why = "truncated frame: " + e.getMessage();
      } catch (SocketException e) {
        why = running ? "socket error: " + e.getMessage() : "the server is stopping";
      } catch (IOException e) {
        why = "read error: " + e.getClass().getSimpleName();
      } finally {
        connections.remove(this);
        log.info("iso8583 connection {} closed: {}", id, why);
      }
    }

    private void handle(byte[] frame, long arrival) {
      IsoMessage request;
      try {
        request = Layout.decode(frame);
      } catch (Layout.Malformed e) {
        log.warn(
            "iso8583 connection {} dropped a {}-byte frame (type {}): {}",
            id,
            frame.length,
            Layout.peekType(frame).map(Layout::mti).orElse("unreadable"),
            e.getMessage());
        return;
      }
      Optional<IsoMessage> response;
      workers.acquireUninterruptibly();
      try {
        response = router.answer(request, arrival);
      } finally {
        workers.release();
      }
      if (response.isEmpty()) {
        log.warn(
            "iso8583 connection {} ignored a response message {}",
            id,
            Layout.mti(request.getType()));
        return;
      }
      byte[] bytes = Layout.encode(response.get());
      writing.lock();
      try {
        writingSince = System.nanoTime();
        Frames.write(out, bytes);
        out.flush();
      } catch (IOException e) {
        log.info(
            "iso8583 connection {} could not answer {} stan={}: {}",
            id,
            Layout.mti(request.getType()),
            Layout.text(request, Layout.STAN),
            e.getClass().getSimpleName());
      } finally {
        writingSince = 0;
        writing.unlock();
      }
    }

    void close(String why) {
      if (closing) {
        return;
      }
      closing = true;
      log.info("iso8583 connection {} closing: {}", id, why);
      closeQuietly(socket);
    }
  }
}
