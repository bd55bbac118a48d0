package dev.cardos.api.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cardos.shared.FilterOrder;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.ProblemResponses;
import dev.cardos.tenancy.Caller;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token bucket per API key: capacity of one second's worth of requests, refilled continuously. An
 * empty bucket answers 429 with {@code Retry-After} in whole seconds. Buckets live in this process,
 * so N nodes allow N times the rate; that is the documented trade for no shared state.
 *
 * <p>Three operations have a second, per-minute bucket per key, because each is worth more to an
 * attacker holding a stolen key than an ordinary request: issuing cards (fraud at scale), revealing
 * card details (a PAN dump) and changing PINs (guessing and takeover). Their limits are settings
 * ({@code CARDOS_RATE_LIMIT_CARD_CREATIONS_PER_MINUTE}, {@code ..._REVEALS_PER_MINUTE}, {@code
 * ..._PIN_CHANGES_PER_MINUTE}).
 */
@Component
@Order(FilterOrder.RATE_LIMIT)
class RateLimits extends OncePerRequestFilter {

  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  /** A sensitive operation with a per-minute budget of its own. */
  private enum Guarded {
    CARD_CREATION("POST", Pattern.compile("/v1/cards/?"), "issue %d cards"),
    REVEAL("GET", Pattern.compile("/v1/cards/[^/]+/sensitive/?"), "reveal card details %d times"),
    PIN_CHANGE("PUT", Pattern.compile("/v1/cards/[^/]+/pin/?"), "change PINs %d times");

    final String method;
    final Pattern path;
    final String what;

    Guarded(String method, Pattern path, String what) {
      this.method = method;
      this.path = path;
      this.what = what;
    }

    static Guarded of(HttpServletRequest request) {
      // The router answers HEAD with the GET handler (a reveal decrypts and audits all the same).
      String method = "HEAD".equals(request.getMethod()) ? "GET" : request.getMethod();
      for (Guarded g : values()) {
        if (g.method.equals(method) && g.path.matcher(request.getRequestURI()).matches()) {
          return g;
        }
      }
      return null;
    }
  }

  private final ApiProperties properties;

  RateLimits(ApiProperties properties) {
    this.properties = properties;
  }

  private int perMinute(Guarded guarded) {
    return switch (guarded) {
      case CARD_CREATION -> properties.cardCreationsPerMinute();
      case REVEAL -> properties.revealsPerMinute();
      case PIN_CHANGE -> properties.pinChangesPerMinute();
    };
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/v1/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Caller caller = Caller.of(request).orElse(null);
    if (caller == null) {
      chain.doFilter(request, response);
      return;
    }
    int perSecond = caller.rateLimitPerSecond();
    Bucket bucket =
        buckets.get(
            caller.keyId() + "/" + perSecond,
            k ->
                Bucket.builder()
                    .addLimit(
                        Bandwidth.builder()
                            .capacity(perSecond)
                            .refillGreedy(perSecond, Duration.ofSeconds(1))
                            .build())
                    .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    response.setHeader("RateLimit-Limit", Integer.toString(perSecond));
    response.setHeader("RateLimit-Remaining", Long.toString(probe.getRemainingTokens()));
    if (probe.isConsumed()) {
      Guarded guarded = Guarded.of(request);
      if (guarded != null) {
        int perMinute = perMinute(guarded);
        ConsumptionProbe operation =
            buckets
                .get(
                    caller.keyId() + "/" + guarded + "/" + perMinute,
                    k ->
                        Bucket.builder()
                            .addLimit(
                                Bandwidth.builder()
                                    .capacity(perMinute)
                                    .refillGreedy(perMinute, Duration.ofMinutes(1))
                                    .build())
                            .build())
                .tryConsumeAndReturnRemaining(1);
        if (!operation.isConsumed()) {
          long retryAfterSeconds = retryAfterSeconds(operation);
          response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
          ProblemResponses.write(
              new Problem(
                  ProblemCode.RATE_LIMITED,
                  "This key may "
                      + guarded.what.formatted(perMinute)
                      + " per minute; retry after "
                      + retryAfterSeconds
                      + " s"),
              request,
              response);
          return;
        }
      }
    }
    if (!probe.isConsumed()) {
      long retryAfterSeconds = retryAfterSeconds(probe);
      response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
      ProblemResponses.write(
          new Problem(
              ProblemCode.RATE_LIMITED,
              "This key may make "
                  + perSecond
                  + " requests per second; retry after "
                  + retryAfterSeconds
                  + " s"),
          request,
          response);
      return;
    }
    chain.doFilter(request, response);
  }

  private static long retryAfterSeconds(ConsumptionProbe probe) {
    return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
  }
}
