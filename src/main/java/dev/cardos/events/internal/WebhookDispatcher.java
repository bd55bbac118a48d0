package dev.cardos.events.internal;

import com.standardwebhooks.Webhook;
import dev.cardos.events.EventType;
import dev.cardos.events.Outbox;
import dev.cardos.keys.Keys;
import dev.cardos.shared.Ids;
import dev.cardos.shared.OutboundHttp;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers events at least once. Due deliveries are claimed with {@code FOR UPDATE SKIP LOCKED} and
 * a lease (their next attempt is pushed past the send timeout), so several nodes share the work
 * without doing it twice, and a node that dies mid-send leaves the delivery to be retried when the
 * lease runs out. Each send runs on its own virtual thread: one slow endpoint never delays
 * another's. No database connection is held while sending.
 *
 * <p>The database work is per batch, not per delivery: the claim returns the events' bodies, the
 * batch's endpoints are read in one statement, and one recorder writes the outcomes of every send
 * that has finished in one transaction (attempts, deliveries and endpoints each in one statement;
 * failures, which schedule retries and may disable an endpoint, one by one). At a few hundred
 * events a second that is a few commits a second instead of one per delivery.
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
  private static final Duration GATHER = Duration.ofMillis(20);

  private final JdbcClient jdbc;
  private final WebhookEndpoints endpoints;
  private final Keys keys;
  private final Outbox outbox;
  private final TransactionTemplate transactions;
  private final Ids ids;
  private final Clock clock;
  private final List<Duration> retryDelays;
  private final Duration pollInterval;
  private final DeliverySignal signal;
  private final Semaphore inFlight = new Semaphore(SENDS_IN_FLIGHT_MAX);
  private final BlockingQueue<Outcome> finished = new LinkedBlockingQueue<>();
  private final Thread recorder;

  /** Test-mode endpoints: http and localhost allowed. */
  private final CloseableHttpClient http = client(false);

  /** Live-mode endpoints: names resolving to an internal address fail at connection time. */
  private final CloseableHttpClient liveHttp = client(true);

  private final ScheduledThreadPoolExecutor deadlines =
      new ScheduledThreadPoolExecutor(
          1, Thread.ofPlatform().daemon(true).name("webhook-send-deadlines").factory());

  WebhookDispatcher(
      JdbcClient jdbc,
      WebhookEndpoints endpoints,
      Keys keys,
      Outbox outbox,
      TransactionTemplate transactions,
      Ids ids,
      Clock clock,
      @Value("${cardos.webhooks.retry-delays:PT0S,PT5S,PT5M,PT30M,PT2H,PT5H,PT10H}")
          List<Duration> retryDelays,
      @Value("${cardos.webhooks.poll-interval:PT0.5S}") Duration pollInterval,
      DeliverySignal signal) {
    this.jdbc = jdbc;
    this.endpoints = endpoints;
    this.keys = keys;
    this.outbox = outbox;
    this.transactions = transactions;
    this.ids = ids;
    this.clock = clock;
    this.retryDelays = List.copyOf(retryDelays);
    this.pollInterval = pollInterval;
    this.signal = signal;
    this.deadlines.setRemoveOnCancelPolicy(true);
    this.recorder = Thread.ofVirtual().name("webhook-recorder").start(this::recordFinished);
  }

  /** A claimed delivery, with the body to send. */
  record Claimed(
      String id, String eventId, String endpointId, int attempts, Instant createdAt, String body) {

    @Override
    public String toString() {
      return "Claimed[" + id + "]";
    }
  }

  /**
   * What one send came to: the endpoint's HTTP status, or the error that kept it from answering, or
   * {@code endpointGone} when the endpoint was disabled or deleted before it was sent.
   */
  record Outcome(
      Claimed delivery,
      WebhookEndpoints.Endpoint endpoint,
      Integer status,
      String error,
      int latencyMs,
      Instant at,
      boolean endpointGone) {

    boolean success() {
      return status != null && status / 100 == 2;
    }
  }

  private volatile boolean stopping;
  private volatile Thread loop;

  /**
   * On shutdown, claim nothing more and let sends in flight finish (up to their timeout) and be
   * recorded, so a restart does not leave deliveries waiting for their lease to run out.
   */
  @jakarta.annotation.PreDestroy
  void drain() throws InterruptedException {
    stopping = true;
    if (loop != null) {
      loop.join(pollInterval.plusSeconds(5).toMillis());
    }
    if (inFlight.tryAcquire(
        SENDS_IN_FLIGHT_MAX, SEND_TIMEOUT.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
      inFlight.release(SENDS_IN_FLIGHT_MAX);
    }
    recorder.interrupt();
    deadlines.shutdownNow();
    http.close(CloseMode.GRACEFUL);
    liveHttp.close(CloseMode.GRACEFUL);
  }

  /**
   * The dispatcher's own loop, not a {@code @Scheduled} task: fixed-delay tasks share one scheduler
   * thread, and a backlog keeps this loop busy for as long as it lasts.
   */
  @EventListener(ApplicationReadyEvent.class)
  void startDispatching() {
    if (loop == null) {
      loop = Thread.ofVirtual().name("webhook-dispatcher").start(this::dispatchUntilStopped);
    }
  }

  private void dispatchUntilStopped() {
    while (!stopping) {
      try {
        if (!dispatch() && signal.await(pollInterval)) {
          // Woken by a commit: a moment for the commits right behind it, so a claim serves
          // several of them rather than one each.
          Thread.sleep(GATHER);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Claiming webhook deliveries failed: {}", e.getClass().getName());
        try {
          Thread.sleep(pollInterval);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /**
   * Claims and starts one batch of due deliveries. True when there may be more to claim at once:
   * the batch was full, or every send slot was taken (it waited up to a poll interval for one).
   */
  boolean dispatch() throws InterruptedException {
    if (!inFlight.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    inFlight.release();
    int free = Math.min(BATCH_SIZE, inFlight.availablePermits());
    List<Claimed> claimed = claim(free);
    if (!claimed.isEmpty()) {
      start(claimed);
    }
    return claimed.size() == free;
  }

  private void start(List<Claimed> claimed) {
    Map<String, WebhookEndpoints.Endpoint> byId =
        endpoints.byIds(claimed.stream().map(Claimed::endpointId).distinct().toList());
    for (Claimed delivery : claimed) {
      inFlight.acquireUninterruptibly();
      Thread.ofVirtual()
          .name("webhook-" + delivery.id())
          .start(
              () -> {
                Outcome outcome = null;
                try {
                  outcome = send(delivery, byId.get(delivery.endpointId()));
                } catch (RuntimeException e) {
                  log.warn(
                      "Delivery {} failed unexpectedly: {}", delivery.id(), e.getClass().getName());
                } finally {
                  if (outcome != null) {
                    finished.add(outcome); // the recorder releases the permit
                  } else {
                    inFlight.release();
                  }
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
                  ORDER BY next_attempt_at LIMIT :n FOR UPDATE SKIP LOCKED) due,
                 events e
            WHERE d.id = due.id AND e.id = d.event_id
            RETURNING d.id, d.event_id, d.endpoint_id, d.attempts, d.created_at,
                      e.type, e.created_at AS event_created_at, e.data::text AS data
            """)
        .param("lease", Timestamps.sql(now.plus(LEASE)))
        .param("now", Timestamps.sql(now))
        .param("n", limit)
        .query(
            (rs, row) ->
                new Claimed(
                    rs.getString("id"),
                    rs.getString("event_id"),
                    rs.getString("endpoint_id"),
                    rs.getInt("attempts"),
                    Timestamps.instant(rs.getTimestamp("created_at")),
                    "{\"id\":\"%s\",\"type\":\"%s\",\"created_at\":\"%s\",\"data\":%s}"
                        .formatted(
                            rs.getString("event_id"),
                            rs.getString("type"),
                            Timestamps.instant(rs.getTimestamp("event_created_at")),
                            rs.getString("data"))))
        .list();
  }

  private Outcome send(Claimed delivery, WebhookEndpoints.Endpoint endpoint) {
    if (endpoint == null || !"enabled".equals(endpoint.status())) {
      return new Outcome(delivery, endpoint, null, null, 0, Timestamps.now(clock), true);
    }
    long start = System.nanoTime();
    Integer status = null;
    String error = null;
    var refusal = EndpointAddresses.refusal(endpoint.url(), endpoint.livemode());
    if (refusal.isPresent()) {
      error = "URL " + refusal.get();
    } else {
      HttpPost post = new HttpPost(endpoint.url());
      // The socket timeouts bound each wait; the timer bounds the whole exchange, so an endpoint
      // that trickles its answer cannot outlast the send timeout (nor the lease).
      ScheduledFuture<?> abort =
          deadlines.schedule(post::cancel, SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      try {
        Instant now = clock.instant();
        long timestamp = now.getEpochSecond();
        post.setHeader("User-Agent", "CardOS-Webhooks/1");
        post.setHeader("webhook-id", delivery.eventId());
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader(
            "webhook-signature",
            sign(endpoint, delivery.eventId(), timestamp, delivery.body(), now));
        post.setEntity(new StringEntity(delivery.body(), ContentType.APPLICATION_JSON));
        post.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(SEND_TIMEOUT)).build());
        status =
            (endpoint.livemode() ? liveHttp : http)
                .execute(
                    post,
                    response -> {
                      EntityUtils.consume(response.getEntity());
                      return response.getCode();
                    });
      } catch (UnknownHostException e) {
        error =
            InternalAddressRefused.is(e)
                ? "URL " + EndpointAddresses.INTERNAL_REFUSAL
                : "UnknownHostException";
      } catch (Exception e) {
        error =
            post.isAborted() || e instanceof SocketTimeoutException
                ? "no answer within " + SEND_TIMEOUT.toSeconds() + " s"
                : e.getClass().getSimpleName();
      } finally {
        abort.cancel(false);
      }
    }
    int latencyMs = (int) ((System.nanoTime() - start) / 1_000_000);
    return new Outcome(delivery, endpoint, status, error, latencyMs, Timestamps.now(clock), false);
  }

  /**
   * The event sender's client, blocking the send's own virtual thread (built like the decision
   * webhooks' by {@link OutboundHttp}). For live mode the resolver refuses internal addresses, so a
   * name that re-resolves between the check and the connection (DNS rebinding) still cannot reach
   * one.
   */
  private static CloseableHttpClient client(boolean live) {
    return OutboundHttp.client(
        SENDS_IN_FLIGHT_MAX,
        SENDS_IN_FLIGHT_MAX,
        Timeout.ofSeconds(5),
        live ? new InternalAddressRefused() : null);
  }

  /** Resolves as the system does, but refuses a name with any internal address. */
  static final class InternalAddressRefused implements DnsResolver {

    private static final String MESSAGE = "resolves to an internal address";

    static boolean is(UnknownHostException e) {
      return e.getMessage() != null && e.getMessage().endsWith(MESSAGE);
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      InetAddress[] all = SystemDefaultDnsResolver.INSTANCE.resolve(host);
      for (InetAddress address : all) {
        if (EndpointAddresses.internal(address)) {
          throw new UnknownHostException(host + " " + MESSAGE);
        }
      }
      return all;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
      return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }
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

  /** The recorder: whatever has finished since its last transaction goes into the next one. */
  private void recordFinished() {
    List<Outcome> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(finished.take());
      } catch (InterruptedException e) {
        return;
      }
      finished.drainTo(batch, 499);
      try {
        record(batch);
      } catch (RuntimeException e) {
        // One bad outcome must not keep the others unrecorded: each on its own. Any that still
        // fails stays pending and is sent again when its lease runs out.
        for (Outcome outcome : batch) {
          try {
            record(List.of(outcome));
          } catch (RuntimeException again) {
            log.warn(
                "Could not record delivery {}: {}",
                outcome.delivery().id(),
                again.getClass().getName());
          }
        }
      } finally {
        inFlight.release(batch.size());
        batch.clear();
      }
    }
  }

  void record(List<Outcome> outcomes) {
    List<Outcome> attempted = outcomes.stream().filter(o -> !o.endpointGone()).toList();
    List<Outcome> delivered = attempted.stream().filter(Outcome::success).toList();
    // Per endpoint, the last success in this batch: it clears the failing streak, and only
    // failures after it start a new one.
    Map<String, Instant> lastSuccess = new HashMap<>();
    for (Outcome o : delivered) {
      lastSuccess.merge(o.endpoint().id(), o.at(), (a, b) -> a.isAfter(b) ? a : b);
    }
    transactions.executeWithoutResult(
        tx -> {
          if (!attempted.isEmpty()) {
            insertAttempts(attempted);
          }
          if (!delivered.isEmpty()) {
            jdbc.sql(
                    """
                    UPDATE webhook_deliveries d
                    SET status = 'delivered', attempts = d.attempts + 1,
                        delivered_at = CAST(u.at AS timestamptz)
                    FROM unnest(CAST(:ids AS text[]), CAST(:ats AS text[])) AS u(id, at)
                    WHERE d.id = u.id
                    """)
                .param("ids", delivered.stream().map(o -> o.delivery().id()).toArray(String[]::new))
                .param("ats", delivered.stream().map(o -> o.at().toString()).toArray(String[]::new))
                .update();
            endpoints.succeeded(List.copyOf(lastSuccess.keySet()));
          }
          for (Outcome o : outcomes) {
            if (o.endpointGone()) {
              finish(o.delivery(), "failed");
            } else if (!o.success()) {
              Instant success = lastSuccess.get(o.endpoint().id());
              failed(o, success == null || o.at().isAfter(success));
            }
          }
        });
  }

  private void insertAttempts(List<Outcome> attempted) {
    int n = attempted.size();
    String[][] columns = new String[6][n];
    for (int i = 0; i < n; i++) {
      Outcome o = attempted.get(i);
      columns[0][i] = ids.next("wa_");
      columns[1][i] = o.delivery().id();
      columns[2][i] = o.at().toString();
      columns[3][i] = o.status() == null ? null : o.status().toString();
      columns[4][i] = Integer.toString(o.latencyMs());
      columns[5][i] = o.error();
    }
    jdbc.sql(
            """
            INSERT INTO webhook_attempts (id, delivery_id, attempted_at, status_code, latency_ms,
                                          error)
            SELECT id, delivery, CAST(at AS timestamptz), CAST(status AS integer),
                   CAST(latency AS integer), error
            FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                 AS r(id, delivery, at, status, latency, error)
            """)
        .params((Object[]) columns)
        .update();
  }

  /** A send that did not succeed: retried later, or given up on; a 410 disables the endpoint. */
  private void failed(Outcome o, boolean startsStreak) {
    Claimed delivery = o.delivery();
    WebhookEndpoints.Endpoint endpoint = o.endpoint();
    if (startsStreak) {
      endpoints.failed(endpoint.id(), o.at());
    }
    if (o.status() != null && o.status() == 410) {
      finish(delivery, "failed");
      disable(endpoint, "the endpoint answered 410 Gone");
      return;
    }
    int attempts = delivery.attempts() + 1;
    Duration wait =
        attempts < retryDelays.size() ? retryDelays.get(attempts) : retryDelays.getLast();
    Instant next = o.at().plus(wait);
    if (next.isAfter(delivery.createdAt().plus(GIVE_UP_AFTER))) {
      finish(delivery, "failed");
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
    WebhookEndpoints.Endpoint now = endpoints.byId(endpoint.id()).orElseThrow();
    if (now.failingSince() != null
        && now.failingSince().isBefore(o.at().minus(DISABLE_AFTER_FAILING))) {
      disable(endpoint, "every delivery failed for 5 days");
    }
  }

  private void finish(Claimed delivery, String status) {
    jdbc.sql(
            """
            UPDATE webhook_deliveries SET status = :status, attempts = attempts + 1
            WHERE id = :id
            """)
        .param("status", status)
        .param("id", delivery.id())
        .update();
  }

  private void disable(WebhookEndpoints.Endpoint endpoint, String reason) {
    if (!endpoints.byId(endpoint.id()).map(e -> "enabled".equals(e.status())).orElse(false)) {
      return; // disabled (or deleted) already, by an earlier outcome of the batch or by its owner
    }
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
