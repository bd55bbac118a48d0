package dev.cardos.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The tenant's decision webhook: approves every request. At {@link #url()} it answers after {@code
 * delayMillis}; at {@link #sometimesSlowUrl()} every {@value #SLOW_EVERY}th call takes {@code
 * delayMillis} and the others 5 ms, so the decision path's circuit breaker (which opens after five
 * failures in a row) stays closed and many answers wait out the budget.
 */
final class Receiver implements AutoCloseable {

  static final int SLOW_EVERY = 4;
  private static final int FAST_MILLIS = 5;
  private static final byte[] APPROVE =
      "{\"approved\": true, \"reason\": \"benchmark\"}".getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  final LongAdder calls = new LongAdder();
  private final AtomicLong sometimesCalls = new AtomicLong();

  Receiver(int delayMillis) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/decide",
        exchange -> {
          try (InputStream in = exchange.getRequestBody();
              OutputStream out = exchange.getResponseBody()) {
            in.readAllBytes();
            calls.increment();
            boolean sometimes = exchange.getRequestURI().getPath().endsWith("/sometimes-slow");
            int delay =
                !sometimes || sometimesCalls.incrementAndGet() % SLOW_EVERY == 0
                    ? delayMillis
                    : Math.min(delayMillis, FAST_MILLIS);
            if (delay > 0) {
              Thread.sleep(delay);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, APPROVE.length);
            out.write(APPROVE);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/decide";
  }

  /** A different URL, so a breaker of its own: slow on one call in {@value #SLOW_EVERY}. */
  String sometimesSlowUrl() {
    return url() + "/sometimes-slow";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
