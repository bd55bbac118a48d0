package dev.cardos.authorization.internal;

import com.standardwebhooks.Webhook;
import dev.cardos.shared.OutboundHttp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the tenant's decision endpoint, signed the Standard Webhooks way, and waits no longer than
 * the time left in the budget. No database connection or lock is held here. A circuit breaker per
 * endpoint stops calling one that keeps failing: 5 failures in a row open it for 1 s, then one
 * probe decides; each failed probe doubles the time open, up to 30 s. A brief stall (ours or the
 * tenant's) thus costs about a second of stand-ins, and an endpoint that is down costs one waited
 * budget every 30 s.
 *
 * <p>The call blocks the authorization's own (virtual) thread on a pooled keep-alive connection: no
 * hand-off to a selector thread and back, which halved the CPU a call costs compared with the JDK's
 * asynchronous client. Every socket wait is bounded by the time left, and a timer aborts the
 * exchange at the deadline, so an endpoint that trickles its answer cannot hold us past it. Nothing
 * is retried: a decision request is sent at most once.
 */
@Component
class DecisionWebhooks implements DisposableBean {

  static final int FAILURES_TO_OPEN = 5;
  static final Duration FIRST_OPEN_FOR = Duration.ofSeconds(1);
  static final Duration LONGEST_OPEN_FOR = Duration.ofSeconds(30);

  /** An answer is a small JSON object; anything longer is not read. */
  private static final int MAX_ANSWER_CHARS = 64 * 1024;

  private final CloseableHttpClient http =
      OutboundHttp.client(2_000, 500, Timeout.ofSeconds(2), null);

  private final ScheduledThreadPoolExecutor deadlines;
  private final JsonMapper json;
  private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();
  private final Timer latency;

  DecisionWebhooks(JsonMapper json, MeterRegistry metrics) {
    this.json = json;
    this.latency =
        Timer.builder("cardos.decision_webhook.latency")
            .description("Time the tenant's decision webhook took to answer")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(metrics);
    this.deadlines =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon(true).name("decision-webhook-deadlines").factory());
    this.deadlines.setRemoveOnCancelPolicy(true);
  }

  @Override
  public void destroy() throws IOException {
    deadlines.shutdownNow();
    http.close();
  }

  /** What the tenant's endpoint said, or why it said nothing usable. */
  sealed interface Answer {
    record Approved(String reason, Map<String, Object> metadata, int latencyMs) implements Answer {}

    record Declined(String reason, Map<String, Object> metadata, int latencyMs) implements Answer {}

    record TimedOut(int latencyMs) implements Answer {}

    record Failed(String why, int latencyMs) implements Answer {}
  }

  Answer ask(String url, byte[] secret, String messageId, Object payload, long deadlineNanos) {
    Breaker breaker = breakers.computeIfAbsent(url, u -> new Breaker());
    if (!breaker.allows(System.nanoTime())) {
      return new Answer.Failed("circuit open after repeated failures", 0);
    }
    long start = System.nanoTime();
    long remaining = deadlineNanos - start;
    if (remaining <= 0) {
      breaker.abandoned();
      return new Answer.TimedOut(0);
    }
    try {
      String body = json.writeValueAsString(payload);
      long timestamp = System.currentTimeMillis() / 1000;
      String signature = new Webhook(secret).sign(messageId, timestamp, body);
      Timeout left = Timeout.of(remaining, TimeUnit.NANOSECONDS);
      HttpPost post = new HttpPost(url);
      post.setConfig(
          RequestConfig.custom()
              .setConnectionRequestTimeout(left)
              .setResponseTimeout(left)
              .build());
      post.setHeader("webhook-id", messageId);
      post.setHeader("webhook-timestamp", Long.toString(timestamp));
      post.setHeader("webhook-signature", signature);
      post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
      Reply reply;
      ScheduledFuture<?> abort = deadlines.schedule(post::cancel, remaining, TimeUnit.NANOSECONDS);
      try {
        reply =
            http.execute(
                post,
                response ->
                    new Reply(
                        response.getCode(),
                        response.getEntity() == null
                            ? ""
                            : EntityUtils.toString(
                                response.getEntity(), StandardCharsets.UTF_8, MAX_ANSWER_CHARS)));
      } finally {
        abort.cancel(false);
      }
      int ms = millisSince(start);
      if (System.nanoTime() - deadlineNanos >= 0) {
        // Answered, but after the budget: the stand-in has already been decided on.
        breaker.failed(System.nanoTime());
        return new Answer.TimedOut(ms);
      }
      latency.record(Duration.ofNanos(System.nanoTime() - start));
      if (reply.status() / 100 != 2) {
        breaker.failed(System.nanoTime());
        return new Answer.Failed("HTTP " + reply.status(), ms);
      }
      JsonNode answer = json.readTree(reply.body());
      JsonNode approved = answer.get("approved");
      if (approved == null || !approved.isBoolean()) {
        breaker.failed(System.nanoTime());
        return new Answer.Failed("the answer has no boolean 'approved'", ms);
      }
      breaker.succeeded();
      String reason = answer.hasNonNull("reason") ? answer.get("reason").asString() : null;
      if (reason != null && reason.length() > 200) {
        reason = reason.substring(0, 200);
      }
      Map<String, Object> metadata =
          answer.hasNonNull("metadata") && answer.get("metadata").isObject()
              ? json.convertValue(answer.get("metadata"), Map.class)
              : null;
      return approved.asBoolean()
          ? new Answer.Approved(reason, metadata, ms)
          : new Answer.Declined(reason, metadata, ms);
    } catch (Exception e) {
      breaker.failed(System.nanoTime());
      // Past the deadline (the timer aborted the exchange) or a socket wait that used up the time
      // left: a timeout. Anything else is the endpoint's failure.
      if (System.nanoTime() - deadlineNanos >= 0
          || e instanceof SocketTimeoutException
          || e instanceof ConnectTimeoutException
          || e instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException) {
        return new Answer.TimedOut(millisSince(start));
      }
      return new Answer.Failed(e.getClass().getSimpleName(), millisSince(start));
    }
  }

  private record Reply(int status, String body) {}

  boolean open(String url) {
    Breaker breaker = breakers.get(url);
    return breaker != null && !breaker.allows(System.nanoTime());
  }

  private static int millisSince(long startNanos) {
    return (int) ((System.nanoTime() - startNanos) / 1_000_000);
  }

  /**
   * Consecutive failures open it; after a while one probe is let through. Each time it opens again
   * without a success in between, it stays open twice as long (up to {@link #LONGEST_OPEN_FOR}).
   */
  static final class Breaker {
    private int failures;
    private int opened;
    private long openUntilNanos;
    private boolean probing;

    synchronized boolean allows(long now) {
      if (failures < FAILURES_TO_OPEN) {
        return true;
      }
      if (open(now) || probing) {
        return false;
      }
      probing = true;
      return true;
    }

    synchronized void failed(long now) {
      failures++;
      probing = false;
      // Calls in flight when it opened fail too: they do not keep it open longer.
      if (failures >= FAILURES_TO_OPEN && !open(now)) {
        long open = FIRST_OPEN_FOR.toNanos() << Math.min(opened, 16);
        openUntilNanos = now + Math.min(open, LONGEST_OPEN_FOR.toNanos());
        opened++;
      }
    }

    /** A let-through call that never reached the endpoint: the next one may probe. */
    synchronized void abandoned() {
      probing = false;
    }

    synchronized void succeeded() {
      failures = 0;
      opened = 0;
      probing = false;
    }

    private boolean open(long now) {
      return opened > 0 && now - openUntilNanos < 0;
    }
  }
}
