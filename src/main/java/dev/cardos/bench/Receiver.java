package dev.cardos.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/** The tenant's decision webhook: approves every request after {@code delayMillis}. */
final class Receiver implements AutoCloseable {

  private static final byte[] APPROVE =
      "{\"approved\": true, \"reason\": \"benchmark\"}".getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  final LongAdder calls = new LongAdder();

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
            if (delayMillis > 0) {
              Thread.sleep(delayMillis);
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

  @Override
  public void close() {
    server.stop(0);
  }
}
