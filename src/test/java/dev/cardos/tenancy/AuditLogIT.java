package dev.cardos.tenancy;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.cardholderJson;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** The append-only audit log: every write, who made it, on what, from where, with what outcome. */
@ServerTest
class AuditLogIT {

  private static final List<String> LOOPBACK = List.of("127.0.0.1", "0:0:0:0:0:0:0:1", "::1");

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired PlatformTransactionManager transactions;

  @Test
  void eachWriteIsRecordedWithActorTenantModeActionObjectOutcomeSourceAndRequestId() {
    TestApi api = new TestApi(port);
    String operatorKeyId = operatorKeyId();

    Response tenant =
        expect(
            api.post("/v1/admin/tenants", OPERATOR_KEY, "{\"name\": \"Audited " + uuid() + "\"}"),
            201);
    String tenantId = tenant.id();
    Response key = api.createKey(tenantId, "test", "cards:read", "cards:write");
    String secret = key.text("secret");
    Response created = expect(api.post("/v1/cardholders", secret, cardholderJson("u-1")), 201);
    String cardholderId = created.id();
    Response patched =
        expect(
            api.patch("/v1/cardholders/" + cardholderId, secret, "{\"kyc_status\": \"verified\"}"),
            200);
    Response revoked =
        expect(
            api.post(
                "/v1/admin/tenants/" + tenantId + "/api-keys/" + key.id() + "/revoke",
                OPERATOR_KEY,
                null),
            200);

    JsonNode tenantCreation = single(auditByObject(api, tenantId));
    assertEntry(
        tenantCreation,
        operatorKeyId,
        tenantId,
        null,
        "POST /v1/admin/tenants",
        tenantId,
        201,
        tenant);

    List<JsonNode> forTenant = auditByTenant(api, tenantId);
    assertThat(forTenant)
        .extracting(e -> e.get("action").asString())
        .containsExactly(
            "POST /v1/admin/tenants/{id}/api-keys/{keyId}/revoke",
            "PATCH /v1/cardholders/{id}",
            "POST /v1/cardholders",
            "POST /v1/admin/tenants/{id}/api-keys",
            "POST /v1/admin/tenants");
    assertEntry(
        forTenant.get(3),
        operatorKeyId,
        tenantId,
        null,
        "POST /v1/admin/tenants/{id}/api-keys",
        key.id(),
        201,
        key);
    assertEntry(
        forTenant.get(2),
        key.id(),
        tenantId,
        "test",
        "POST /v1/cardholders",
        cardholderId,
        201,
        created);
    assertEntry(
        forTenant.get(1),
        key.id(),
        tenantId,
        "test",
        "PATCH /v1/cardholders/{id}",
        cardholderId,
        200,
        patched);
    assertEntry(
        forTenant.get(0),
        operatorKeyId,
        tenantId,
        null,
        "POST /v1/admin/tenants/{id}/api-keys/{keyId}/revoke",
        key.id(),
        200,
        revoked);
    assertThat(auditByObject(api, cardholderId))
        .extracting(e -> e.get("action").asString())
        .containsExactly("PATCH /v1/cardholders/{id}", "POST /v1/cardholders");
  }

  @Test
  void aRejectedWriteIsAuditedWithItsOutcomeAndWritesNothingElse() {
    TestApi api = new TestApi(port);
    String tenantId = api.createTenant("Tenant " + uuid());
    Response key = api.createKey(tenantId, "test", "cards:read", "cards:write");
    String invalid = cardholderJson("u-1").replace("\"Ada\"", "\"\"");
    String idempotencyKey = uuid();

    Response rejected =
        api.post("/v1/cardholders", key.text("secret"), invalid, "Idempotency-Key", idempotencyKey);

    assertThat(rejected.status()).isEqualTo(400);
    JsonNode entry = auditByTenant(api, tenantId).getFirst();
    assertEntry(entry, key.id(), tenantId, "test", "POST /v1/cardholders", null, 400, rejected);
    assertThat(count("SELECT count(*) FROM cardholders WHERE tenant_id = :p", tenantId)).isZero();
    assertThat(count("SELECT count(*) FROM idempotency_keys WHERE key = :p", idempotencyKey))
        .isZero();
    assertThat(count("SELECT count(*) FROM audit_log WHERE tenant_id = :p", tenantId))
        .as("the tenant's and the key's creation and the rejected write")
        .isEqualTo(3);
  }

  @Test
  void aWriteRefusedForItsIdempotencyKeyIsAuditedWithItsOutcome() {
    TestApi api = new TestApi(port);
    String tenantId = api.createTenant("Tenant " + uuid());
    Response key = api.createKey(tenantId, "test", "cards:read", "cards:write");
    String secret = key.text("secret");
    String idempotencyKey = uuid();
    expect(
        api.post(
            "/v1/cardholders", secret, cardholderJson("u-1"), "Idempotency-Key", idempotencyKey),
        201);

    Response reused =
        api.post(
            "/v1/cardholders", secret, cardholderJson("u-2"), "Idempotency-Key", idempotencyKey);
    Response invalid =
        api.post("/v1/cardholders", secret, cardholderJson("u-3"), "Idempotency-Key", "");

    assertThat(reused.status()).isEqualTo(422);
    assertThat(invalid.status()).isEqualTo(400);
    List<JsonNode> entries = auditByTenant(api, tenantId);
    assertThat(entries)
        .extracting(e -> e.get("outcome").asInt())
        .containsExactly(400, 422, 201, 201, 201);
    assertEntry(
        entries.get(0), key.id(), tenantId, "test", "POST /v1/cardholders", null, 400, invalid);
    assertEntry(
        entries.get(1), key.id(), tenantId, "test", "POST /v1/cardholders", null, 422, reused);
  }

  @Test
  void readsAreNotAudited() {
    TestApi api = new TestApi(port);
    String tenantId = api.createTenant("Tenant " + uuid());
    String secret = api.createKey(tenantId, "test", "cards:read", "cards:write").text("secret");
    String cardholderId =
        expect(api.post("/v1/cardholders", secret, cardholderJson("u-1")), 201).id();
    long before = count("SELECT count(*) FROM audit_log WHERE tenant_id = :p", tenantId);

    expect(api.get("/v1/cardholders/" + cardholderId, secret), 200);
    expect(api.get("/v1/cardholders?reference=u-1", secret), 200);
    expect(api.get("/v1/admin/tenants/" + tenantId, OPERATOR_KEY), 200);
    expect(api.get("/v1/admin/tenants/" + tenantId + "/api-keys", OPERATOR_KEY), 200);

    assertThat(before).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM audit_log WHERE tenant_id = :p", tenantId))
        .isEqualTo(before);
    assertThat(count("SELECT count(*) FROM audit_log WHERE object_id = :p", cardholderId))
        .isEqualTo(1);
  }

  @Test
  void theDatabaseRefusesToUpdateDeleteOrTruncateTheAuditLog() {
    TestApi api = new TestApi(port);
    String tenantId = api.createTenant("Tenant " + uuid());
    api.createKey(tenantId, "test", "cards:read");
    List<String> before = auditRows(tenantId);
    assertThat(before).hasSize(2);

    assertThatThrownBy(
            () ->
                jdbc.sql("UPDATE audit_log SET outcome = 500 WHERE tenant_id = :p")
                    .param("p", tenantId)
                    .update())
        .hasMessageContaining("append-only");
    assertThatThrownBy(
            () ->
                jdbc.sql("DELETE FROM audit_log WHERE tenant_id = :p")
                    .param("p", tenantId)
                    .update())
        .hasMessageContaining("append-only");
    TransactionTemplate rolledBack = new TransactionTemplate(transactions);
    assertThatThrownBy(
            () ->
                rolledBack.executeWithoutResult(
                    tx -> {
                      // Rolled back either way, so a missing guard cannot empty the shared log.
                      tx.setRollbackOnly();
                      jdbc.sql("TRUNCATE audit_log").update();
                    }))
        .hasMessageContaining("append-only");

    assertThat(auditRows(tenantId)).isEqualTo(before);
  }

  @Test
  void theAuditLogNeverHoldsAnApiKeySecret() {
    TestApi api = new TestApi(port);
    String tenantId = api.createTenant("Tenant " + uuid());
    Response key = api.createKey(tenantId, "test", "cards:read", "cards:write");
    String secret = key.text("secret");
    expect(api.post("/v1/cardholders", secret, cardholderJson("u-1")), 201);
    assertThat(api.post("/v1/cardholders", secret, "{}").status()).isEqualTo(400);
    expect(
        api.post(
            "/v1/admin/tenants/" + tenantId + "/api-keys/" + key.id() + "/revoke",
            OPERATOR_KEY,
            null),
        200);

    List<String> rows = auditRows(tenantId);
    assertThat(rows).hasSize(5);
    String secretBody = secret.substring("ck_test_".length());
    String operatorBody = OPERATOR_KEY.substring("op_".length());
    for (String row : rows) {
      assertThat(row).doesNotContain(secretBody).doesNotContain(operatorBody);
    }
    String served = auditPage(api, "tenant_id=" + tenantId).raw();
    assertThat(served).doesNotContain(secretBody).doesNotContain(operatorBody);
  }

  private void assertEntry(
      JsonNode entry,
      String actorKeyId,
      String tenantId,
      String mode,
      String action,
      String objectId,
      int outcome,
      Response response) {
    assertThat(entry.get("id").asString()).startsWith("aud_");
    assertThat(entry.get("occurred_at").asString()).isNotBlank();
    assertThat(text(entry, "actor_key_id")).isEqualTo(actorKeyId);
    assertThat(text(entry, "tenant_id")).isEqualTo(tenantId);
    assertThat(text(entry, "mode")).isEqualTo(mode);
    assertThat(text(entry, "action")).isEqualTo(action);
    assertThat(text(entry, "object_id")).isEqualTo(objectId);
    assertThat(entry.get("outcome").asInt()).isEqualTo(outcome);
    assertThat(text(entry, "source_ip")).isIn(LOOPBACK);
    assertThat(response.header("Request-Id")).startsWith("req_");
    assertThat(text(entry, "request_id")).isEqualTo(response.header("Request-Id"));
  }

  private static String text(JsonNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }

  private static JsonNode single(List<JsonNode> entries) {
    assertThat(entries).hasSize(1);
    return entries.getFirst();
  }

  private static List<JsonNode> auditByTenant(TestApi api, String tenantId) {
    return entries(auditPage(api, "tenant_id=" + tenantId));
  }

  private static List<JsonNode> auditByObject(TestApi api, String objectId) {
    return entries(auditPage(api, "object_id=" + objectId));
  }

  private static Response auditPage(TestApi api, String query) {
    return expect(api.get("/v1/admin/audit-log?limit=100&" + query, OPERATOR_KEY), 200);
  }

  private static List<JsonNode> entries(Response page) {
    assertThat(page.body().get("has_more").asBoolean()).isFalse();
    List<JsonNode> out = new ArrayList<>();
    page.body().get("data").forEach(out::add);
    return out;
  }

  /** Every column of the tenant's audit rows, as text, oldest first. */
  private List<String> auditRows(String tenantId) {
    return jdbc.sql("SELECT a::text FROM audit_log a WHERE tenant_id = :p ORDER BY id")
        .param("p", tenantId)
        .query(String.class)
        .list();
  }

  private long count(String sql, String param) {
    return jdbc.sql(sql).param("p", param).query(Long.class).single();
  }

  private String operatorKeyId() {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(OPERATOR_KEY.getBytes(StandardCharsets.UTF_8));
      return jdbc.sql("SELECT id FROM api_keys WHERE secret_hash = :hash AND tenant_id IS NULL")
          .param("hash", hash)
          .query(String.class)
          .single();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }
}
