package dev.cardos.events;

import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real webhook receiver: the JDK's HTTP server on 127.0.0.1 and a free port, recording every
 * request (headers, body, arrival) and answering 200 unless told otherwise. It can answer a
 * scripted sequence of status codes, and can hold requests open until the test releases them, as a
 * receiver that hangs would. Each request runs on its own virtual thread, so a held request never
 * delays another.
 */
final class Receiver implements AutoCloseable {

  /** One request as received. Header names are matched without regard to case. */
  record Request(Map<String, List<String>> headers, String body, Instant receivedAt) {

    String header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.getFirst();
    }

    String webhookId() {
      return header("webhook-id");
    }

    /** Verifies with the independent Standard Webhooks library; throws when it does not. */
    void verify(String secret) throws WebhookVerificationException {
      try {
        new Webhook(secret).verify(body, headers);
      } catch (com.standardwebhooks.exceptions.EmptyWebhookSecretException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final Queue<Integer> scripted = new ConcurrentLinkedQueue<>();
  private final AtomicInteger holdsLeft = new AtomicInteger();
  private final CountDownLatch gate = new CountDownLatch(1);
  private volatile int defaultStatus = 200;

  private Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static Receiver start() {
    try {
      return new Receiver();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The URL to register: {@code http://127.0.0.1:<port>/hooks}. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
  }

  /** The next requests are answered with these codes, in order; later ones as usual. */
  Receiver answer(int... statuses) {
    for (int status : statuses) {
      scripted.add(status);
    }
    return this;
  }

  /** Every request not scripted is answered with this code. */
  Receiver answerAlways(int status) {
    defaultStatus = status;
    return this;
  }

  /** The next {@code count} requests are recorded, then held open until {@link #release}. */
  Receiver holdNext(int count) {
    holdsLeft.set(count);
    return this;
  }

  /** Lets held requests (and any later ones) be answered. */
  void release() {
    gate.countDown();
  }

  List<Request> received() {
    return Collections.unmodifiableList(new ArrayList<>(received));
  }

  /** The requests that carried this event ({@code webhook-id}). */
  List<Request> receivedFor(String eventId) {
    return received.stream().filter(r -> eventId.equals(r.webhookId())).toList();
  }

  /** Waits until {@code count} requests carrying this event have arrived; returns them. */
  List<Request> awaitFor(String eventId, int count) {
    await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor(eventId).size() >= count);
    return receivedFor(eventId);
  }

  /** Waits for the first request carrying this event. */
  Request awaitFirst(String eventId) {
    return awaitFor(eventId, 1).getFirst();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      received.add(new Request(Collections.unmodifiableMap(headers), body, Instant.now()));
      if (holdsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        try {
          gate.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      Integer scriptedStatus = scripted.poll();
      exchange.sendResponseHeaders(scriptedStatus != null ? scriptedStatus : defaultStatus, -1);
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    executor.shutdownNow();
  }
}
