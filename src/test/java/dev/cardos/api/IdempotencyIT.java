package dev.cardos.api;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.cardholderJson;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** SPEC §8: an {@code Idempotency-Key} replays the first answer to the same request. */
@ServerTest
class IdempotencyIT {

  private static final int RACERS = 16;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Test
  void sameKeyAndBodyReplaysTheFirstAnswerByteForByteAndCreatesOneCardholder() {
    TestApi api = new TestApi(port);
    Tenant tenant = newTenant(api, "test");
    String key = UUID.randomUUID().toString();

    Response first = expect(createCardholder(api, tenant.secret, "user-1", key), 201);
    Response replay = createCardholder(api, tenant.secret, "user-1", key);

    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(replay.status()).isEqualTo(201);
    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replay.raw()).isEqualTo(first.raw());
    assertThat(replay.header("Content-Type")).isEqualTo(first.header("Content-Type"));
    assertThat(cardholderCount(tenant.id)).isEqualTo(1);
  }

  @Test
  void sameKeyWithAnotherBodyIsRefusedAndCreatesNothing() {
    TestApi api = new TestApi(port);
    Tenant tenant = newTenant(api, "test");
    String key = UUID.randomUUID().toString();
    expect(createCardholder(api, tenant.secret, "user-1", key), 201);

    Response reused = createCardholder(api, tenant.secret, "user-2", key);

    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.code()).isEqualTo("idempotency_key_reused");
    assertThat(reused.header("Idempotent-Replayed")).isNull();
    assertThat(cardholderCount(tenant.id)).isEqualTo(1);
  }

  @Test
  void anotherApiKeyOfTheTenantIsNotHandedTheFirstKeysAnswer() {
    // The replay is answered before the endpoint's scope check: a read-only key of the same
    // tenant repeating a write's Idempotency-Key and body must not get its answer.
    TestApi api = new TestApi(port);
    Tenant tenant = newTenant(api, "test");
    String readOnly = api.createKey(tenant.id(), "test", "cards:read").text("secret");
    String key = UUID.randomUUID().toString();
    expect(createCardholder(api, tenant.secret, "user-1", key), 201);

    Response other = createCardholder(api, readOnly, "user-1", key);

    assertThat(other.status()).isEqualTo(422);
    assertThat(other.code()).isEqualTo("idempotency_key_reused");
    assertThat(other.header("Idempotent-Replayed")).isNull();
    assertThat(other.raw()).doesNotContain("user-1");
    assertThat(cardholderCount(tenant.id)).isEqualTo(1);
  }

  @Test
  void sameKeyOnAnotherPathIsRefused() {
    TestApi api = new TestApi(port);
    String key = UUID.randomUUID().toString();
    Response tenant =
        expect(
            api.post(
                "/v1/admin/tenants",
                OPERATOR_KEY,
                "{\"name\": \"Idempotent Co\"}",
                "Idempotency-Key",
                key),
            201);

    Response reused =
        api.post(
            "/v1/admin/tenants/" + tenant.id() + "/api-keys",
            OPERATOR_KEY,
            "{\"mode\": \"test\", \"scopes\": [\"cards:read\"]}",
            "Idempotency-Key",
            key);

    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.code()).isEqualTo("idempotency_key_reused");
    Response keys =
        expect(api.get("/v1/admin/tenants/" + tenant.id() + "/api-keys", OPERATOR_KEY), 200);
    assertThat(keys.body().get("data")).isEmpty();
  }

  @Test
  void aRejectedRequestIsNotStoredSoTheCorrectedRequestRunsUnderTheSameKey() {
    TestApi api = new TestApi(port);
    Tenant tenant = newTenant(api, "test");
    String key = UUID.randomUUID().toString();
    String invalid = cardholderJson("user-1").replace("ada@example.com", "not-an-email");

    Response rejected = api.post("/v1/cardholders", tenant.secret, invalid, "Idempotency-Key", key);
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.code()).isEqualTo("validation_failed");
    assertThat(storedKeys(tenant.id + "/test", key)).isZero();

    Response corrected = createCardholder(api, tenant.secret, "user-1", key);
    assertThat(corrected.status()).isEqualTo(201);
    assertThat(corrected.header("Idempotent-Replayed")).isNull();
    assertThat(cardholderCount(tenant.id)).isEqualTo(1);

    Response replay = createCardholder(api, tenant.secret, "user-1", key);
    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replay.id()).isEqualTo(corrected.id());
  }

  @Test
  void concurrentRequestsWithTheSameKeyCreateOneCardholderAndAllGetItsAnswer() throws Exception {
    TestApi api = new TestApi(port);
    Tenant tenant = newTenant(api, "test");
    String key = UUID.randomUUID().toString();
    // Resolve the API key once so the racers contend on the idempotency key, not the key cache.
    expect(api.get("/v1/cardholders", tenant.secret), 200);

    CountDownLatch ready = new CountDownLatch(RACERS);
    CountDownLatch start = new CountDownLatch(1);
    List<Response> responses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(RACERS)) {
      List<Future<Response>> futures = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  start.await();
                  return createCardholder(api, tenant.secret, "racer", key);
                }));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      start.countDown();
      for (Future<Response> future : futures) {
        responses.add(future.get(60, TimeUnit.SECONDS));
      }
    }

    assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.raw()).isEqualTo(201));
    assertThat(responses.stream().map(Response::id).distinct()).hasSize(1);
    assertThat(responses.stream().filter(r -> r.header("Idempotent-Replayed") == null)).hasSize(1);
    assertThat(cardholderCount(tenant.id)).isEqualTo(1);
  }

  @Test
  void keysAreScopedPerTenantAndMode() {
    TestApi api = new TestApi(port);
    Tenant first = newTenant(api, "test");
    Tenant second = newTenant(api, "test");
    String firstLive = api.createKey(first.id, "live", "cards:read", "cards:write").text("secret");
    String key = UUID.randomUUID().toString();

    Response inFirstTest = expect(createCardholder(api, first.secret, "user-1", key), 201);
    Response inSecondTest = expect(createCardholder(api, second.secret, "user-1", key), 201);
    Response inFirstLive = expect(createCardholder(api, firstLive, "user-1", key), 201);

    assertThat(inSecondTest.header("Idempotent-Replayed")).isNull();
    assertThat(inFirstLive.header("Idempotent-Replayed")).isNull();
    assertThat(List.of(inFirstTest.id(), inSecondTest.id(), inFirstLive.id()))
        .doesNotHaveDuplicates();
    assertThat(inFirstLive.body().get("livemode").asBoolean()).isTrue();
    assertThat(cardholderCount(first.id)).isEqualTo(2);
    assertThat(cardholderCount(second.id)).isEqualTo(1);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(strings = {"", "tab\tinside"})
  void anEmptyKeyOrOneWithAControlCharacterIsRefused(String key) {
    TestApi api = new TestApi(port);
    Tenant tenant = newTenant(api, "test");

    Response refused = createCardholder(api, tenant.secret, "user-1", key);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("idempotency_key_invalid");
    assertThat(cardholderCount(tenant.id)).isZero();
  }

  @Test
  void aNonAsciiKeyIsRefused() throws IOException {
    TestApi api = new TestApi(port);
    Tenant tenant = newTenant(api, "test");
    // The JDK client writes header values as US-ASCII (é becomes ?), so send the bytes ourselves.
    byte[] body = cardholderJson("user-1").getBytes(StandardCharsets.UTF_8);
    String head =
        "POST /v1/cardholders HTTP/1.1\r\n"
            + "Host: localhost:"
            + port
            + "\r\nAuthorization: Bearer "
            + tenant.secret
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\nIdempotency-Key: caf\u00e9\r\nConnection: close\r\n\r\n";

    String answer;
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(answer).startsWith("HTTP/1.1 400 ");
    assertThat(answer).contains("\"code\":\"idempotency_key_invalid\"");
    assertThat(cardholderCount(tenant.id)).isZero();
  }

  @Test
  void aKeyOf256CharactersIsRefusedAndOneOf255IsAccepted() {
    TestApi api = new TestApi(port);
    Tenant tenant = newTenant(api, "test");

    Response tooLong = createCardholder(api, tenant.secret, "user-1", "k".repeat(256));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.code()).isEqualTo("idempotency_key_invalid");
    assertThat(cardholderCount(tenant.id)).isZero();

    expect(createCardholder(api, tenant.secret, "user-1", "k".repeat(255)), 201);
    assertThat(cardholderCount(tenant.id)).isEqualTo(1);
  }

  private record Tenant(String id, String secret) {}

  private static Tenant newTenant(TestApi api, String mode) {
    String id = api.createTenant("Tenant " + UUID.randomUUID());
    return new Tenant(id, api.createKey(id, mode, "cards:read", "cards:write").text("secret"));
  }

  private static Response createCardholder(
      TestApi api, String secret, String reference, String idempotencyKey) {
    return api.post(
        "/v1/cardholders", secret, cardholderJson(reference), "Idempotency-Key", idempotencyKey);
  }

  private long cardholderCount(String tenantId) {
    return jdbc.sql("SELECT count(*) FROM cardholders WHERE tenant_id = :tenant")
        .param("tenant", tenantId)
        .query(Long.class)
        .single();
  }

  private long storedKeys(String scope, String key) {
    return jdbc.sql("SELECT count(*) FROM idempotency_keys WHERE scope = :scope AND key = :key")
        .param("scope", scope)
        .param("key", key)
        .query(Long.class)
        .single();
  }
}
