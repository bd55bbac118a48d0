package dev.cardos.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The tenant's decision webhook: approves every request. At {@link #url()} it answers after {@code
 * delayMillis}; at {@link #sometimesSlowUrl()} every {@value #SLOW_EVERY}th call takes {@code
 * delayMillis} and the others 5 ms, so the decision path's circuit breaker (which opens after five
 * failures in a row) stays closed and many answers wait out the budget. At {@link #eventsUrl()} it
 * is a webhook endpoint for events: it answers 200 at once and records each event's lag, from its
 * creation to its arrival.
 */
final class Receiver implements AutoCloseable {

  static final int SLOW_EVERY = 4;
  private static final int FAST_MILLIS = 5;
  private static final byte[] APPROVE =
      "{\"approved\": true, \"reason\": \"benchmark\"}".getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  final LongAdder calls = new LongAdder();
  private final AtomicLong sometimesCalls = new AtomicLong();

  private static final Pattern CREATED_AT = Pattern.compile("\"created_at\":\"([^\"]+)\"");

  /** Events created from this instant on are counted; earlier ones (the warm-up's) are not. */
  private volatile Instant countEventsFrom = Instant.MAX;

  final Histogram eventLagMillis = new ConcurrentHistogram(3_600_000L, 3);
  final Set<String> eventIds = ConcurrentHashMap.newKeySet();
  final LongAdder eventDeliveries = new LongAdder();
  final LongAdder eventsReceivedAll = new LongAdder();

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
    server.createContext(
        "/events",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Instant arrived = Instant.now();
            eventsReceivedAll.increment();
            // The envelope's created_at comes before data, so the first match is the event's.
            Matcher created = CREATED_AT.matcher(body);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            if (created.find() && id != null) {
              try {
                Instant at = Instant.parse(created.group(1));
                if (!at.isBefore(countEventsFrom)) {
                  eventDeliveries.increment();
                  eventIds.add(id);
                  eventLagMillis.recordValue(
                      Math.max(0, java.time.Duration.between(at, arrived).toMillis()));
                }
              } catch (DateTimeParseException e) {
                // Not an event envelope: not counted.
              }
            }
            exchange.sendResponseHeaders(200, -1);
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  /** Counts the events created from now on, and forgets those counted so far. */
  void countEventsFromNow() {
    eventLagMillis.reset();
    eventIds.clear();
    eventDeliveries.reset();
    countEventsFrom = Instant.now();
  }

  String eventsUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
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
