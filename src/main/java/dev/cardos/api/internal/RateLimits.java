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
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token bucket per API key: capacity of one second's worth of requests, refilled continuously. An
 * empty bucket answers 429 with {@code Retry-After} in whole seconds. Buckets live in this process,
 * so N nodes allow N times the rate; that is the documented trade for no shared state.
 */
@Component
@Order(FilterOrder.RATE_LIMIT)
class RateLimits extends OncePerRequestFilter {

  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

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
    if (!probe.isConsumed()) {
      long retryAfterSeconds =
          Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
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
}
