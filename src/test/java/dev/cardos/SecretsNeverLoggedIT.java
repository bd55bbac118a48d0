package dev.cardos;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Secrets, card numbers and identity document numbers never reach the log or the console, on
 * success or on any kind of refusal, and API key secrets are never stored.
 */
@ServerTest
@ExtendWith(OutputCaptureExtension.class)
class SecretsNeverLoggedIT {

  private static final String CARD_NUMBER = "4111111111111111";

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  /** The requests made so far: each must have produced one request log line. */
  private final List<String> expectedLogLines = new ArrayList<>();

  /** Whether the request log has a line for every request sent (lines name routes, not paths). */
  private boolean everyRequestLogged(CapturedOutput output) {
    long lines = output.getOut().lines().filter(l -> l.contains("cardos.requests")).count();
    return lines >= expectedLogLines.size();
  }

  private Response send(
      TestApi api,
      int status,
      String method,
      String path,
      String key,
      String json,
      String... headers) {
    Response response = expect(api.send(method, path, key, json, headers), status);
    expectedLogLines.add(method + " " + path.split("\\?")[0] + " " + status + " ");
    return response;
  }

  private static String cardholderJson(String reference, String documentNumber) {
    return """
        {"reference": "%s", "first_name": "Ada", "last_name": "Lovelace",
         "email": "ada@example.com",
         "billing_address": {"line1": "1 Main St", "city": "Austin", "postal_code": "78701",
                             "country": "US"},
         "document": {"type": "passport", "number": "%s", "country": "GB"},
         "metadata": {"card_on_file": "%s"}}
        """
        .formatted(reference, documentNumber, CARD_NUMBER);
  }

  @Test
  void keysCardNumbersAndDocumentNumbersNeverReachTheOutput(CapturedOutput output) {
    TestApi api = new TestApi(port);
    String tenantId = api.createTenant("Secretive " + UUID.randomUUID());
    String secret = api.createKey(tenantId, "test", "cards:read", "cards:write").text("secret");
    String readOnly = api.createKey(tenantId, "test", "cards:read").text("secret");
    String unknownKey = secret.substring(0, secret.length() - 6) + "Zz9Zz9";
    String documentNumber = "DOC" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String reference = "secret-" + UUID.randomUUID();
    String body = cardholderJson(reference, documentNumber);

    String id =
        send(api, 201, "POST", "/v1/cardholders", secret, body, "Idempotency-Key", reference).id();
    send(api, 201, "POST", "/v1/cardholders", secret, body, "Idempotency-Key", reference);
    send(api, 409, "POST", "/v1/cardholders", secret, body);
    send(api, 403, "POST", "/v1/cardholders", readOnly, body);
    send(api, 403, "GET", "/v1/admin/tenants", secret, null);
    send(api, 403, "GET", "/v1/cardholders", OPERATOR_KEY, null);
    send(api, 401, "GET", "/v1/cardholders/" + id, unknownKey, null);
    send(api, 404, "GET", "/v1/cardholders/ch_00000000000000000000000000", secret, null);
    send(api, 200, "GET", "/v1/cardholders/" + id, secret, null);
    send(
        api,
        400,
        "POST",
        "/v1/cardholders",
        secret,
        body.replace("ada@example.com", "not an email " + CARD_NUMBER));
    send(
        api,
        400,
        "POST",
        "/v1/cardholders",
        secret,
        body.replace("\"passport\"", "\"" + CARD_NUMBER + "\""));
    send(
        api,
        400,
        "POST",
        "/v1/cardholders",
        secret,
        body.replace("\"first_name\"", "\"pan\": \"" + CARD_NUMBER + "\", \"first_name\""));
    send(api, 400, "POST", "/v1/cardholders", secret, body.replace("}}", "} " + CARD_NUMBER));
    send(
        api,
        400,
        "PATCH",
        "/v1/cardholders/" + id,
        secret,
        "{\"document\": {\"type\": \"passport\", \"number\": \""
            + documentNumber
            + "!\","
            + " \"country\": \"GB\"}, \"metadata\": {\"card\": \""
            + CARD_NUMBER.repeat(32)
            + "\"}}");
    send(
        api,
        200,
        "GET",
        "/v1/cardholders?reference=" + CARD_NUMBER + "&email=" + documentNumber,
        secret,
        null);
    send(api, 400, "GET", "/v1/cardholders?limit=" + CARD_NUMBER, secret, null);

    // The request log is written as each request finishes, which may be just after its answer.
    await().atMost(Duration.ofSeconds(10)).until(() -> everyRequestLogged(output));
    assertThat(output.getAll())
        .doesNotContain(secret)
        .doesNotContain(readOnly)
        .doesNotContain(unknownKey)
        .doesNotContain(secret.substring(8))
        .doesNotContain(OPERATOR_KEY)
        .doesNotContain(OPERATOR_KEY.substring(3))
        .doesNotContain(CARD_NUMBER)
        .doesNotContain(documentNumber);
  }

  @Test
  void aCardNumberSentInThePathInsteadOfAnIdIsNotLogged(CapturedOutput output) {
    TestApi api = new TestApi(port);
    String secret = api.newTenantKey("test");
    String marker = "ch_" + "0".repeat(26);

    send(api, 404, "GET", "/v1/cardholders/" + CARD_NUMBER, secret, null);
    send(api, 404, "GET", "/v1/cardholders/" + marker, secret, null);

    await().atMost(Duration.ofSeconds(10)).until(() -> everyRequestLogged(output));
    assertThat(output.getAll()).doesNotContain(CARD_NUMBER);
  }

  private static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Columns of a table that could hold a secret: text of any kind, bytea, jsonb and arrays. */
  private List<String> textualColumns(String table) {
    return jdbc.sql(
            """
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = :table
              AND data_type IN ('text', 'character varying', 'character', 'bytea', 'jsonb',
                                'json', 'ARRAY')
            ORDER BY ordinal_position
            """)
        .param("table", table)
        .query(String.class)
        .list();
  }

  /** Rows of the table with a column holding the secret, as text, bytes or hex. */
  private int rowsHolding(String table, String secret) {
    String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
    int rows = 0;
    for (String column : textualColumns(table)) {
      rows +=
          jdbc.sql(
                  "SELECT count(*) FROM "
                      + table
                      + " WHERE strpos(CAST("
                      + column
                      + " AS text), :secret) > 0 OR strpos(CAST("
                      + column
                      + " AS text), :hex) > 0")
              .param("secret", secret)
              .param("hex", hex)
              .query(Integer.class)
              .single();
    }
    return rows;
  }

  @Test
  void apiKeysHoldOnlyTheHashAndLastFourOfASecret() {
    TestApi api = new TestApi(port);
    String tenantId = api.createTenant("Hashed " + UUID.randomUUID());
    Response key = api.createKey(tenantId, "live", "cards:read");
    String secret = key.text("secret");

    assertThat(textualColumns("api_keys")).contains("secret_hash", "secret_last4");
    assertThat(rowsHolding("api_keys", secret)).isZero();
    assertThat(rowsHolding("api_keys", OPERATOR_KEY)).isZero();
    assertThat(
            jdbc.sql("SELECT secret_hash, secret_last4 FROM api_keys WHERE id = :id")
                .param("id", key.id())
                .query(
                    (rs, row) ->
                        List.of(
                            HexFormat.of().formatHex(rs.getBytes("secret_hash")),
                            rs.getString("secret_last4")))
                .single())
        .containsExactly(
            HexFormat.of().formatHex(sha256(secret)), secret.substring(secret.length() - 4));
  }

  @Test
  void noTableHoldsAKeySecretEvenWhenTheKeyWasCreatedWithAnIdempotencyKey() {
    TestApi api = new TestApi(port);
    String tenantId = api.createTenant("Idempotent " + UUID.randomUUID());
    String secret =
        expect(
                api.post(
                    "/v1/admin/tenants/" + tenantId + "/api-keys",
                    OPERATOR_KEY,
                    "{\"mode\": \"test\", \"scopes\": [\"cards:read\"]}",
                    "Idempotency-Key",
                    "create-key-" + tenantId),
                201)
            .text("secret");

    List<String> tables =
        jdbc.sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                    + " AND table_type = 'BASE TABLE'")
            .query(String.class)
            .list();
    assertThat(tables).contains("api_keys", "idempotency_keys", "audit_log");
    assertThat(tables)
        .allSatisfy(table -> assertThat(rowsHolding(table, secret)).as(table).isZero());
  }
}
