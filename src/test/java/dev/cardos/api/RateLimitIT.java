package dev.cardos.api;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

/** SPEC §8: rate limits per key, answered with 429 and {@code Retry-After}. */
@ServerTest
class RateLimitIT {

  private static final int BURST = 20;
  private static final int LIMIT_PER_SECOND = 3;

  @LocalServerPort int port;

  @Test
  void aBurstOverTheKeysLimitIsAnsweredWith429AndRetryAfter() throws Exception {
    TestApi api = new TestApi(port);
    String tenant = api.createTenant("Tenant " + UUID.randomUUID());
    Response key = limitedKey(api, tenant, LIMIT_PER_SECOND);
    assertThat(key.body().get("rate_limit_per_second").asInt()).isEqualTo(LIMIT_PER_SECOND);

    List<Response> responses = burst(api, key.text("secret"));

    List<Response> limited = responses.stream().filter(r -> r.status() == 429).toList();
    long ok = responses.stream().filter(r -> r.status() == 200).count();
    assertThat(ok + limited.size()).as("every answer is 200 or 429").isEqualTo(BURST);
    assertThat(ok).as("a full bucket lets the first requests through").isGreaterThanOrEqualTo(3);
    assertThat(limited).isNotEmpty();
    for (Response r : limited) {
      assertThat(r.code()).isEqualTo("rate_limited");
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(Long.parseLong(r.header("Retry-After"))).isGreaterThanOrEqualTo(1);
      assertThat(r.header("RateLimit-Limit")).isEqualTo("3");
      assertThat(r.header("RateLimit-Remaining")).isEqualTo("0");
      assertThat(r.text("request_id")).isEqualTo(r.header("Request-Id"));
    }
  }

  @Test
  void anotherKeyOfTheSameTenantIsNotLimitedByTheFirst() throws Exception {
    TestApi api = new TestApi(port);
    String tenant = api.createTenant("Tenant " + UUID.randomUUID());
    String limitedSecret = limitedKey(api, tenant, LIMIT_PER_SECOND).text("secret");
    String otherSecret = api.createKey(tenant, "test", "cards:read").text("secret");

    assertThat(burst(api, limitedSecret)).anyMatch(r -> r.status() == 429);
    Response other = api.get("/v1/cardholders", otherSecret);

    assertThat(other.status()).isEqualTo(200);
    assertThat(other.header("RateLimit-Limit")).isEqualTo("100");
  }

  @Test
  void aLimitedKeyIsServedAgainOnceItsBucketRefills() throws Exception {
    TestApi api = new TestApi(port);
    String tenant = api.createTenant("Tenant " + UUID.randomUUID());
    String secret = limitedKey(api, tenant, LIMIT_PER_SECOND).text("secret");
    assertThat(burst(api, secret)).anyMatch(r -> r.status() == 429);

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> api.get("/v1/cardholders", secret).status() == 200);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 100_001})
  void aRateLimitOutsideOneTo100000IsRefused(int perSecond) {
    TestApi api = new TestApi(port);
    String tenant = api.createTenant("Tenant " + UUID.randomUUID());

    Response refused = createKey(api, tenant, perSecond);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("validation_failed");
    assertThat(refused.body().get("errors").findValuesAsString("field"))
        .containsExactly("rate_limit_per_second");
    Response keys = expect(api.get("/v1/admin/tenants/" + tenant + "/api-keys", OPERATOR_KEY), 200);
    assertThat(keys.body().get("data")).isEmpty();
  }

  private static Response limitedKey(TestApi api, String tenant, int perSecond) {
    return expect(createKey(api, tenant, perSecond), 201);
  }

  private static Response createKey(TestApi api, String tenant, int perSecond) {
    return api.post(
        "/v1/admin/tenants/" + tenant + "/api-keys",
        OPERATOR_KEY,
        "{\"mode\": \"test\", \"scopes\": [\"cards:read\"], \"rate_limit_per_second\": "
            + perSecond
            + "}");
  }

  /** Fires {@link #BURST} list requests at once, released together by a start gate. */
  private static List<Response> burst(TestApi api, String secret) throws Exception {
    CountDownLatch ready = new CountDownLatch(BURST);
    CountDownLatch start = new CountDownLatch(1);
    List<Response> responses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(BURST)) {
      List<Future<Response>> futures = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  start.await();
                  return api.get("/v1/cardholders", secret);
                }));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      start.countDown();
      for (Future<Response> future : futures) {
        responses.add(future.get(60, TimeUnit.SECONDS));
      }
    }
    return responses;
  }
}
