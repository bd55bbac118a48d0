package dev.cardos.events.internal;

import com.standardwebhooks.Webhook;
import dev.cardos.events.EventType;
import dev.cardos.events.Outbox;
import dev.cardos.keys.Keys;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers events at least once. Due deliveries are claimed with {@code FOR UPDATE SKIP LOCKED} and
 * a lease (their next attempt is pushed past the send timeout), so several nodes share the work
 * without doing it twice, and a node that dies mid-send leaves the delivery to be retried when the
 * lease runs out. Each send runs on its own virtual thread: one slow endpoint never delays
 * another's. No database connection is held while sending.
 */
@Component
class WebhookDispatcher {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration GIVE_UP_AFTER = Duration.ofDays(3);
  private static final Duration DISABLE_AFTER_FAILING = Duration.ofDays(5);
  private static final int BATCH_SIZE = 50;
  private static final int SENDS_IN_FLIGHT_MAX = 200;

  private final JdbcClient jdbc;
  private final WebhookEndpoints endpoints;
  private final Keys keys;
  private final Outbox outbox;
  private final TransactionTemplate transactions;
  private final Ids ids;
  private final Clock clock;
  private final List<Duration> retryDelays;
  private final Semaphore inFlight = new Semaphore(SENDS_IN_FLIGHT_MAX);
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  WebhookDispatcher(
      JdbcClient jdbc,
      WebhookEndpoints endpoints,
      Keys keys,
      Outbox outbox,
      TransactionTemplate transactions,
      Ids ids,
      Clock clock,
      @Value("${cardos.webhooks.retry-delays:PT0S,PT5S,PT5M,PT30M,PT2H,PT5H,PT10H}")
          List<Duration> retryDelays) {
    this.jdbc = jdbc;
    this.endpoints = endpoints;
    this.keys = keys;
    this.outbox = outbox;
    this.transactions = transactions;
    this.ids = ids;
    this.clock = clock;
    this.retryDelays = List.copyOf(retryDelays);
  }

  /** A claimed delivery. */
  record Claimed(String id, String eventId, String endpointId, int attempts, Instant createdAt) {}

  private volatile boolean stopping;

  /**
   * On shutdown, claim nothing more and let sends in flight finish (up to their timeout), so a
   * restart does not leave deliveries waiting for their lease to run out.
   */
  @jakarta.annotation.PreDestroy
  void drain() throws InterruptedException {
    stopping = true;
    if (inFlight.tryAcquire(
        SENDS_IN_FLIGHT_MAX,
        SEND_TIMEOUT.plusSeconds(5).toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS)) {
      inFlight.release(SENDS_IN_FLIGHT_MAX);
    }
  }

  @Scheduled(fixedDelayString = "${cardos.webhooks.poll-interval:PT0.5S}")
  void dispatch() {
    if (stopping) {
      return;
    }
    int free = Math.min(BATCH_SIZE, inFlight.availablePermits());
    if (free == 0) {
      return;
    }
    for (Claimed delivery : claim(free)) {
      inFlight.acquireUninterruptibly();
      Thread.ofVirtual()
          .name("webhook-" + delivery.id())
          .start(
              () -> {
                try {
                  send(delivery);
                } catch (RuntimeException e) {
                  log.warn(
                      "Delivery {} failed unexpectedly: {}", delivery.id(), e.getClass().getName());
                } finally {
                  inFlight.release();
                }
              });
    }
  }

  List<Claimed> claim(int limit) {
    Instant now = Timestamps.now(clock);
    return jdbc.sql(
            """
            UPDATE webhook_deliveries d SET next_attempt_at = :lease
            FROM (SELECT id FROM webhook_deliveries
                  WHERE status = 'pending' AND next_attempt_at <= :now
                  ORDER BY next_attempt_at LIMIT :n FOR UPDATE SKIP LOCKED) due
            WHERE d.id = due.id
            RETURNING d.id, d.event_id, d.endpoint_id, d.attempts, d.created_at
            """)
        .param("lease", Timestamps.sql(now.plus(LEASE)))
        .param("now", Timestamps.sql(now))
        .param("n", limit)
        .query(
            (rs, row) ->
                new Claimed(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getInt(4),
                    Timestamps.instant(rs.getTimestamp(5))))
        .list();
  }

  void send(Claimed delivery) {
    WebhookEndpoints.Endpoint endpoint = endpoints.byId(delivery.endpointId()).orElseThrow();
    if (!"enabled".equals(endpoint.status())) {
      finish(delivery, "failed", null);
      return;
    }
    Map<String, Object> event =
        jdbc.sql("SELECT id, type, created_at, data::text AS data FROM events WHERE id = :id")
            .param("id", delivery.eventId())
            .query(
                (rs, row) ->
                    Map.<String, Object>of(
                        "id", rs.getString("id"),
                        "type", rs.getString("type"),
                        "created_at", Timestamps.instant(rs.getTimestamp("created_at")).toString(),
                        "data", rs.getString("data")))
            .single();
    String body =
        "{\"id\":\"%s\",\"type\":\"%s\",\"created_at\":\"%s\",\"data\":%s}"
            .formatted(
                event.get("id"), event.get("type"), event.get("created_at"), event.get("data"));
    long start = System.nanoTime();
    Integer status = null;
    String error = null;
    var refusal = EndpointAddresses.refusal(endpoint.url(), endpoint.livemode());
    if (refusal.isPresent()) {
      error = "URL " + refusal.get();
    } else {
      try {
        Instant now = clock.instant();
        long timestamp = now.getEpochSecond();
        String signature = sign(endpoint, delivery.eventId(), timestamp, body, now);
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(endpoint.url()))
                .timeout(SEND_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "CardOS-Webhooks/1")
                .header("webhook-id", delivery.eventId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (java.net.http.HttpTimeoutException e) {
        error = "no answer within " + SEND_TIMEOUT.toSeconds() + " s";
      } catch (java.io.IOException e) {
        error = e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error = "interrupted";
      } catch (Exception e) {
        error = e.getClass().getSimpleName();
      }
    }
    int latencyMs = (int) ((System.nanoTime() - start) / 1_000_000);
    record(delivery, endpoint, status, error, latencyMs);
  }

  /** Standard Webhooks signature; during a rotation's overlap, with both secrets. */
  private String sign(
      WebhookEndpoints.Endpoint endpoint,
      String messageId,
      long timestamp,
      String body,
      Instant now)
      throws Exception {
    String signature =
        new Webhook(keys.material(endpoint.secretKeyId())).sign(messageId, timestamp, body);
    if (endpoint.previousSecretKeyId() != null
        && endpoint.previousSecretUntil() != null
        && now.isBefore(endpoint.previousSecretUntil())) {
      signature +=
          " "
              + new Webhook(keys.material(endpoint.previousSecretKeyId()))
                  .sign(messageId, timestamp, body);
    }
    return signature;
  }

  private void record(
      Claimed delivery,
      WebhookEndpoints.Endpoint endpoint,
      Integer status,
      String error,
      int latencyMs) {
    Instant now = Timestamps.now(clock);
    boolean success = status != null && status / 100 == 2;
    transactions.executeWithoutResult(
        tx -> {
          jdbc.sql(
                  """
                  INSERT INTO webhook_attempts (id, delivery_id, attempted_at, status_code,
                                                latency_ms, error)
                  VALUES (:id, :delivery, :at, :status, :latency, :error)
                  """)
              .param("id", ids.next("wa_"))
              .param("delivery", delivery.id())
              .param("at", Timestamps.sql(now))
              .param("status", status)
              .param("latency", latencyMs)
              .param("error", error)
              .update();
          endpoints.attempted(endpoint.id(), success, now);
          if (success) {
            finish(delivery, "delivered", now);
            return;
          }
          if (status != null && status == 410) {
            finish(delivery, "failed", null);
            disable(endpoint, "the endpoint answered 410 Gone");
            return;
          }
          int attempts = delivery.attempts() + 1;
          Duration wait =
              attempts < retryDelays.size() ? retryDelays.get(attempts) : retryDelays.getLast();
          Instant next = now.plus(wait);
          if (next.isAfter(delivery.createdAt().plus(GIVE_UP_AFTER))) {
            finish(delivery, "failed", null);
          } else {
            jdbc.sql(
                    """
                    UPDATE webhook_deliveries SET attempts = :attempts, next_attempt_at = :next
                    WHERE id = :id
                    """)
                .param("attempts", attempts)
                .param("next", Timestamps.sql(next))
                .param("id", delivery.id())
                .update();
          }
          WebhookEndpoints.Endpoint now2 = endpoints.byId(endpoint.id()).orElseThrow();
          if (now2.failingSince() != null
              && now2.failingSince().isBefore(now.minus(DISABLE_AFTER_FAILING))) {
            disable(endpoint, "every delivery failed for 5 days");
          }
        });
  }

  private void finish(Claimed delivery, String status, Instant deliveredAt) {
    jdbc.sql(
            """
            UPDATE webhook_deliveries SET status = :status, attempts = attempts + 1,
                                          delivered_at = :at
            WHERE id = :id
            """)
        .param("status", status)
        .param("at", Timestamps.sql(deliveredAt))
        .param("id", delivery.id())
        .update();
  }

  private void disable(WebhookEndpoints.Endpoint endpoint, String reason) {
    endpoints.setStatus(endpoint.id(), "disabled", reason);
    Realm realm =
        jdbc.sql("SELECT tenant_id, mode FROM webhook_endpoints WHERE id = :id")
            .param("id", endpoint.id())
            .query((rs, row) -> new Realm(rs.getString(1), Mode.fromWire(rs.getString(2))))
            .single();
    outbox.append(
        realm,
        EventType.WEBHOOK_ENDPOINT_DISABLED,
        endpoint.id(),
        Map.of("id", endpoint.id(), "url", endpoint.url(), "reason", reason));
  }
}
