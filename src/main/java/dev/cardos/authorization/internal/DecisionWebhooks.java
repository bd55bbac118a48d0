package dev.cardos.authorization.internal;

import com.standardwebhooks.Webhook;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 */
@Component
class DecisionWebhooks {

  static final int FAILURES_TO_OPEN = 5;
  static final Duration FIRST_OPEN_FOR = Duration.ofSeconds(1);
  static final Duration LONGEST_OPEN_FOR = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
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
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(Duration.ofNanos(remaining))
              .header("Content-Type", "application/json")
              .header("webhook-id", messageId)
              .header("webhook-timestamp", Long.toString(timestamp))
              .header("webhook-signature", signature)
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> response =
          http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .get(remaining, TimeUnit.NANOSECONDS);
      int ms = millisSince(start);
      latency.record(Duration.ofNanos(System.nanoTime() - start));
      if (response.statusCode() / 100 != 2) {
        breaker.failed(System.nanoTime());
        return new Answer.Failed("HTTP " + response.statusCode(), ms);
      }
      JsonNode answer = json.readTree(response.body());
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
    } catch (java.util.concurrent.TimeoutException e) {
      breaker.failed(System.nanoTime());
      return new Answer.TimedOut(millisSince(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      breaker.abandoned();
      return new Answer.Failed("interrupted", millisSince(start));
    } catch (Exception e) {
      breaker.failed(System.nanoTime());
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof HttpTimeoutException) {
        return new Answer.TimedOut(millisSince(start));
      }
      return new Answer.Failed(cause.getClass().getSimpleName(), millisSince(start));
    }
  }

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
