package dev.cardos.tenancy;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * SPEC §1: no tenant can read, change or learn of another tenant's objects, and test-mode and
 * live-mode data are separate worlds. Every test makes fresh tenants, so the shared database of
 * other test classes cannot make it pass by accident.
 */
@ServerTest
class TenantIsolationIT {

  /** A well-formed cardholder id that no one has. */
  private static final String UNKNOWN_ID = "ch_00000000000000000000000000";

  @LocalServerPort int port;

  private TestApi api;

  @BeforeEach
  void connect() {
    api = new TestApi(port);
  }

  @Test
  void anotherTenantsCardholderIsNotFoundById() {
    String keyA = api.newTenantKey("test");
    String keyB = api.newTenantKey("test");
    String id = create(keyA, "user-1").id();

    Response get = api.get("/v1/cardholders/" + id, keyB);
    assertNotFound(get);
    Response patch = api.patch("/v1/cardholders/" + id, keyB, "{\"kyc_status\": \"verified\"}");
    assertNotFound(patch);

    // The answer for a foreign id is the answer for an id that does not exist at all.
    assertThat(withoutIds(get))
        .isEqualTo(withoutIds(api.get("/v1/cardholders/" + UNKNOWN_ID, keyB)));
    assertThat(withoutIds(patch))
        .isEqualTo(
            withoutIds(
                api.patch(
                    "/v1/cardholders/" + UNKNOWN_ID, keyB, "{\"kyc_status\": \"verified\"}")));

    Response untouched = expect(api.get("/v1/cardholders/" + id, keyA), 200);
    assertThat(untouched.text("kyc_status")).isEqualTo("pending");
  }

  @Test
  void anotherTenantsCardholdersAreNotListed() {
    String keyA = api.newTenantKey("test");
    String keyB = api.newTenantKey("test");
    String a1 = create(keyA, "a-1").id();
    String a2 = create(keyA, "a-2").id();
    String b1 = create(keyB, "b-1").id();

    assertThat(ids(expect(api.get("/v1/cardholders?limit=100", keyA), 200)))
        .containsExactly(a2, a1);
    assertThat(ids(expect(api.get("/v1/cardholders?limit=100", keyB), 200))).containsExactly(b1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "reference=shared-ref",
        "email=shared@example.com",
        "reference=shared-ref&email=shared@example.com"
      })
  void anotherTenantsCardholdersDoNotMatchFilters(String filter) {
    String keyA = api.newTenantKey("test");
    String keyB = api.newTenantKey("test");
    String id = create(keyA, "shared-ref", "shared@example.com", "verified").id();

    assertThat(ids(expect(api.get("/v1/cardholders?" + filter, keyA), 200))).containsExactly(id);
    Response seenByB = expect(api.get("/v1/cardholders?" + filter, keyB), 200);
    assertThat(seenByB.body().get("data")).isEmpty();
    assertThat(seenByB.body().get("has_more").asBoolean()).isFalse();
  }

  @Test
  void anotherTenantsCardholdersDoNotMatchTheKycStatusFilter() {
    String keyA = api.newTenantKey("test");
    String keyB = api.newTenantKey("test");
    String id = create(keyA, "shared-ref", "shared@example.com", "verified").id();

    assertThat(ids(expect(api.get("/v1/cardholders?kyc_status=verified", keyA), 200)))
        .containsExactly(id);
    assertThat(expect(api.get("/v1/cardholders?kyc_status=verified", keyB), 200).body().get("data"))
        .isEmpty();
  }

  @ParameterizedTest(name = "a {1} key cannot see {0} data")
  @CsvSource({"live, test", "test, live"})
  void aKeyOfOneModeDoesNotMatchTheOtherModesCardholdersByKycStatus(
      String writerMode, String readerMode) {
    String tenant = api.createTenant("Tenant " + UUID.randomUUID());
    String writer = fullKey(tenant, writerMode);
    String reader = fullKey(tenant, readerMode);
    String id = create(writer, "shared-ref", "shared@example.com", "verified").id();

    assertThat(ids(expect(api.get("/v1/cardholders?kyc_status=verified", writer), 200)))
        .containsExactly(id);
    assertThat(
            expect(api.get("/v1/cardholders?kyc_status=verified", reader), 200).body().get("data"))
        .isEmpty();
  }

  @ParameterizedTest(name = "a {1} key cannot see {0} data")
  @CsvSource({"live, test", "test, live"})
  void aKeyOfOneModeCannotSeeTheOtherModesCardholders(String writerMode, String readerMode) {
    String tenant = api.createTenant("Tenant " + UUID.randomUUID());
    String writer = fullKey(tenant, writerMode);
    String reader = fullKey(tenant, readerMode);
    Response created = create(writer, "shared-ref", "shared@example.com", "verified");
    assertThat(created.body().get("livemode").asBoolean()).isEqualTo(writerMode.equals("live"));
    String id = created.id();

    assertNotFound(api.get("/v1/cardholders/" + id, reader));
    assertNotFound(api.patch("/v1/cardholders/" + id, reader, "{\"kyc_status\": \"rejected\"}"));
    for (String query :
        List.of("", "?reference=shared-ref", "?email=shared@example.com", "?limit=100")) {
      assertThat(expect(api.get("/v1/cardholders" + query, reader), 200).body().get("data"))
          .as("GET /v1/cardholders%s with a %s key", query, readerMode)
          .isEmpty();
      assertThat(ids(expect(api.get("/v1/cardholders" + query, writer), 200)))
          .as("GET /v1/cardholders%s with a %s key", query, writerMode)
          .containsExactly(id);
    }
    assertThat(expect(api.get("/v1/cardholders/" + id, writer), 200).text("kyc_status"))
        .isEqualTo("verified");
  }

  @Test
  void referenceIsUniqueWithinOneTenantAndMode() {
    String key = api.newTenantKey("test");
    String first = create(key, "dup-ref").id();

    Response second = api.post("/v1/cardholders", key, TestApi.cardholderJson("dup-ref"));
    assertThat(second.status()).as(second.toString()).isEqualTo(409);
    assertThat(second.code()).isEqualTo("reference_taken");
    assertThat(second.body().get("errors").get(0).get("field").asString()).isEqualTo("reference");

    assertThat(ids(expect(api.get("/v1/cardholders?reference=dup-ref", key), 200)))
        .containsExactly(first);
  }

  @Test
  void sameReferenceMayBeUsedByAnotherTenant() {
    String keyA = api.newTenantKey("test");
    String keyB = api.newTenantKey("test");
    String a = create(keyA, "dup-ref").id();
    String b = create(keyB, "dup-ref").id();

    assertThat(b).isNotEqualTo(a);
    assertThat(ids(expect(api.get("/v1/cardholders?reference=dup-ref", keyA), 200)))
        .containsExactly(a);
    assertThat(ids(expect(api.get("/v1/cardholders?reference=dup-ref", keyB), 200)))
        .containsExactly(b);

    // Renaming to a reference another tenant uses is no conflict either.
    String b2 = create(keyB, "other-ref").id();
    expect(api.patch("/v1/cardholders/" + b2, keyB, "{\"reference\": \"a-only\"}"), 200);
    expect(api.patch("/v1/cardholders/" + a, keyA, "{\"reference\": \"a-only\"}"), 200);
  }

  @Test
  void sameReferenceMayBeUsedInTheOtherMode() {
    String tenant = api.createTenant("Tenant " + UUID.randomUUID());
    String testKey = fullKey(tenant, "test");
    String liveKey = fullKey(tenant, "live");
    String inTest = create(testKey, "dup-ref").id();
    String inLive = create(liveKey, "dup-ref").id();

    assertThat(inLive).isNotEqualTo(inTest);
    assertThat(ids(expect(api.get("/v1/cardholders?reference=dup-ref", testKey), 200)))
        .containsExactly(inTest);
    assertThat(ids(expect(api.get("/v1/cardholders?reference=dup-ref", liveKey), 200)))
        .containsExactly(inLive);
    Response again = api.post("/v1/cardholders", liveKey, TestApi.cardholderJson("dup-ref"));
    assertThat(again.status()).as(again.toString()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("reference_taken");
  }

  @Test
  void idempotencyKeyOfOneTenantDoesNotReplayForAnother() {
    String keyA = api.newTenantKey("test");
    String keyB = api.newTenantKey("test");
    String idempotencyKey = "create-" + UUID.randomUUID();
    String body = TestApi.cardholderJson("same-user");

    Response a =
        expect(api.post("/v1/cardholders", keyA, body, "Idempotency-Key", idempotencyKey), 201);
    Response replayForA =
        expect(api.post("/v1/cardholders", keyA, body, "Idempotency-Key", idempotencyKey), 201);
    assertThat(replayForA.id()).isEqualTo(a.id());
    assertThat(replayForA.header("Idempotent-Replayed")).isEqualTo("true");

    Response b =
        expect(api.post("/v1/cardholders", keyB, body, "Idempotency-Key", idempotencyKey), 201);
    assertThat(b.id()).isNotEqualTo(a.id());
    assertThat(b.header("Idempotent-Replayed")).isNull();
    assertThat(ids(expect(api.get("/v1/cardholders", keyB), 200))).containsExactly(b.id());
    assertNotFound(api.get("/v1/cardholders/" + a.id(), keyB));

    // B's own retry replays B's answer, not A's.
    Response replayForB =
        expect(api.post("/v1/cardholders", keyB, body, "Idempotency-Key", idempotencyKey), 201);
    assertThat(replayForB.id()).isEqualTo(b.id());
  }

  @Test
  void idempotencyKeyOfTestModeDoesNotReplayInLiveMode() {
    String tenant = api.createTenant("Tenant " + UUID.randomUUID());
    String testKey = fullKey(tenant, "test");
    String liveKey = fullKey(tenant, "live");
    String idempotencyKey = "create-" + UUID.randomUUID();
    String body = TestApi.cardholderJson("same-user");

    Response inTest =
        expect(api.post("/v1/cardholders", testKey, body, "Idempotency-Key", idempotencyKey), 201);
    Response inLive =
        expect(api.post("/v1/cardholders", liveKey, body, "Idempotency-Key", idempotencyKey), 201);

    assertThat(inLive.id()).isNotEqualTo(inTest.id());
    assertThat(inLive.header("Idempotent-Replayed")).isNull();
    assertThat(inLive.body().get("livemode").asBoolean()).isTrue();
    assertThat(ids(expect(api.get("/v1/cardholders", liveKey), 200))).containsExactly(inLive.id());
  }

  private Response create(String key, String reference) {
    return expect(api.post("/v1/cardholders", key, TestApi.cardholderJson(reference)), 201);
  }

  private Response create(String key, String reference, String email, String kycStatus) {
    String body =
        TestApi.cardholderJson(reference)
            .replace("ada@example.com", email)
            .replace("\"reference\"", "\"kyc_status\": \"" + kycStatus + "\", \"reference\"");
    Response created = expect(api.post("/v1/cardholders", key, body), 201);
    assertThat(created.text("kyc_status")).isEqualTo(kycStatus);
    return created;
  }

  private String fullKey(String tenant, String mode) {
    return api.createKey(tenant, mode, TestApi.ALL_SCOPES.toArray(String[]::new)).text("secret");
  }

  private static void assertNotFound(Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(404);
    assertThat(response.code()).isEqualTo("resource_not_found");
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }

  /** The problem body with ids and the request id blanked, to compare two 404s. */
  private static String withoutIds(Response response) {
    return response.status()
        + " "
        + response
            .raw()
            .replaceAll("ch_[0-9A-Z]{26}", "ch_?")
            .replaceAll("req_[0-9A-Za-z]+", "req_?");
  }

  private static List<String> ids(Response list) {
    List<String> out = new ArrayList<>();
    for (JsonNode item : list.body().get("data")) {
      out.add(item.get("id").asString());
    }
    return out;
  }
}
