package dev.cardos.tenancy;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Who may call what (SPEC §1): 401 without a valid key, 403 for a key that lacks a scope or is of
 * the wrong kind, and every {@code /v1} endpoint states its rule.
 */
@ServerTest
class AccessRulesIT {

  @LocalServerPort int port;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping handlerMapping;

  private TestApi api;

  @BeforeEach
  void connect() {
    api = new TestApi(port);
  }

  @Test
  void createWithoutCardsWriteIsRefusedAndWritesNothing() {
    String tenant = newTenant();
    String readOnly = key(tenant, "test", "cards:read");

    Response refused =
        api.post(
            "/v1/cardholders",
            readOnly,
            TestApi.cardholderJson("user-1"),
            "Idempotency-Key",
            "k-" + UUID.randomUUID());
    assertProblem(refused, 403, "scope_missing");
    assertThat(refused.text("detail")).contains("cards:write");

    assertThat(expect(api.get("/v1/cardholders", readOnly), 200).body().get("data")).isEmpty();
    String full = key(tenant, "test", TestApi.ALL_SCOPES.toArray(String[]::new));
    assertThat(expect(api.get("/v1/cardholders?reference=user-1", full), 200).body().get("data"))
        .isEmpty();
  }

  @Test
  void updateWithoutCardsWriteIsRefusedAndChangesNothing() {
    String tenant = newTenant();
    String full = key(tenant, "test", TestApi.ALL_SCOPES.toArray(String[]::new));
    String readOnly = key(tenant, "test", "cards:read");
    String id =
        expect(api.post("/v1/cardholders", full, TestApi.cardholderJson("user-1")), 201).id();

    Response refused =
        api.patch("/v1/cardholders/" + id, readOnly, "{\"kyc_status\": \"verified\"}");
    assertProblem(refused, 403, "scope_missing");
    assertThat(refused.text("detail")).contains("cards:write");

    assertThat(expect(api.get("/v1/cardholders/" + id, full), 200).text("kyc_status"))
        .isEqualTo("pending");
  }

  @Test
  void readWithoutCardsReadIsRefused() {
    String tenant = newTenant();
    String writeOnly = key(tenant, "test", "cards:write");
    String id =
        expect(api.post("/v1/cardholders", writeOnly, TestApi.cardholderJson("user-1")), 201).id();

    for (String path :
        List.of("/v1/cardholders/" + id, "/v1/cardholders", "/v1/cardholders?reference=user-1")) {
      Response refused = api.get(path, writeOnly);
      assertProblem(refused, 403, "scope_missing");
      assertThat(refused.text("detail")).as(path).contains("cards:read");
      assertThat(refused.raw()).as(path).doesNotContain(id);
    }
  }

  @Test
  void tenantKeyIsRefusedOnOperatorEndpoints() {
    String tenant = newTenant();
    String full = key(tenant, "live", TestApi.ALL_SCOPES.toArray(String[]::new));
    String keysPath = "/v1/admin/tenants/" + tenant + "/api-keys";

    List<Response> answers =
        List.of(
            api.get("/v1/admin/tenants", full),
            api.get("/v1/admin/tenants/" + tenant, full),
            api.get(keysPath, full),
            api.get("/v1/admin/audit-log", full),
            api.post("/v1/admin/tenants", full, "{\"name\": \"Escalated\"}"),
            api.post(keysPath, full, "{\"mode\": \"live\", \"scopes\": [\"cards:reveal\"]}"));
    for (Response answer : answers) {
      assertProblem(answer, 403, "operator_only");
    }

    // The refused key creation wrote nothing: the tenant still has its one key.
    assertThat(expect(api.get(keysPath, OPERATOR_KEY), 200).body().get("data")).hasSize(1);
  }

  @Test
  void operatorKeyIsRefusedOnTenantEndpoints() {
    List<Response> answers =
        List.of(
            api.get("/v1/cardholders", OPERATOR_KEY),
            api.get("/v1/cardholders/ch_00000000000000000000000000", OPERATOR_KEY),
            api.post("/v1/cardholders", OPERATOR_KEY, TestApi.cardholderJson("op-user")),
            api.patch(
                "/v1/cardholders/ch_00000000000000000000000000",
                OPERATOR_KEY,
                "{\"kyc_status\": \"verified\"}"));
    for (Response answer : answers) {
      assertProblem(answer, 403, "tenant_key_required");
    }
  }

  static Stream<Arguments> invalidCredentials() {
    return Stream.of(
        Arguments.of("no Authorization header", null),
        Arguments.of("a garbage bearer", "Bearer garbage"),
        Arguments.of("an empty bearer", "Bearer "),
        Arguments.of("an unknown test key", "Bearer ck_test_" + "A".repeat(40)),
        Arguments.of("an unknown live key", "Bearer ck_live_" + "A".repeat(40)),
        Arguments.of("an unknown operator key", "Bearer op_" + "A".repeat(40)),
        Arguments.of("an over-long bearer", "Bearer ck_test_" + "A".repeat(500)),
        Arguments.of("basic credentials", "Basic dXNlcjpwYXNz"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCredentials")
  void requestWithoutAValidKeyIsUnauthenticated(String description, String authorization) {
    for (String method : List.of("GET", "POST")) {
      Response answer =
          api.send(
              method,
              "/v1/cardholders",
              null,
              method.equals("POST") ? TestApi.cardholderJson("anon") : null,
              headersOf(authorization));
      assertUnauthenticated(answer);
    }
    assertUnauthenticated(
        api.send("GET", "/v1/admin/tenants", null, null, headersOf(authorization)));
  }

  @Test
  void revokedKeyIsUnauthenticated() {
    String tenant = newTenant();
    Response issued = api.createKey(tenant, "test", "cards:read", "cards:write");
    String secret = issued.text("secret");
    expect(api.get("/v1/cardholders", secret), 200);

    expect(
        api.post(
            "/v1/admin/tenants/" + tenant + "/api-keys/" + issued.id() + "/revoke",
            OPERATOR_KEY,
            null),
        200);

    assertUnauthenticated(api.get("/v1/cardholders", secret));
    assertUnauthenticated(api.post("/v1/cardholders", secret, TestApi.cardholderJson("late")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ten_00000000000000000000000000", "ten_nope", "not-a-tenant-id"})
  void apiKeyForNonexistentTenantIsNotFound(String tenantId) {
    Response answer =
        api.post(
            "/v1/admin/tenants/" + tenantId + "/api-keys",
            OPERATOR_KEY,
            "{\"mode\": \"test\", \"scopes\": [\"cards:read\"]}");
    assertProblem(answer, 404, "resource_not_found");
    assertThat(answer.raw()).doesNotContain("ck_test_");
  }

  @ParameterizedTest(name = "scopes {0} is refused at {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[\"cards:delete\"]                 | scopes[0]",
        "[\"CARDS_READ\"]                   | scopes[0]",
        "[\"cards:*\"]                      | scopes[0]",
        "[\"\"]                             | scopes[0]",
        "[\"admin\"]                        | scopes[0]",
        "[\"cards:read\", \"funds:steal\"]  | scopes[1]"
      })
  void apiKeyWithUnknownScopeIsRefusedNamingTheField(String scopes, String field) {
    String tenant = newTenant();
    Response answer =
        api.post(
            "/v1/admin/tenants/" + tenant + "/api-keys",
            OPERATOR_KEY,
            "{\"mode\": \"test\", \"scopes\": " + scopes + "}");
    assertFieldRefused(answer, field);
    assertNoKeys(tenant);
  }

  @ParameterizedTest(name = "mode {0} is refused")
  @ValueSource(strings = {"\"sandbox\"", "\"production\"", "\"\"", "\"TEST\"", "null"})
  void apiKeyWithModeOtherThanTestOrLiveIsRefused(String mode) {
    String tenant = newTenant();
    Response answer =
        api.post(
            "/v1/admin/tenants/" + tenant + "/api-keys",
            OPERATOR_KEY,
            "{\"mode\": " + mode + ", \"scopes\": [\"cards:read\"]}");
    assertFieldRefused(answer, "mode");
    assertNoKeys(tenant);
  }

  @ParameterizedTest(name = "mode {0} is refused")
  @ValueSource(strings = {"0", "1", "\"0\"", "\"1\""})
  void apiKeyWithANumberForModeIsRefused(String mode) {
    String tenant = newTenant();
    Response answer =
        api.post(
            "/v1/admin/tenants/" + tenant + "/api-keys",
            OPERATOR_KEY,
            "{\"mode\": " + mode + ", \"scopes\": [\"cards:read\"]}");
    assertFieldRefused(answer, "mode");
    assertNoKeys(tenant);
  }

  @ParameterizedTest(name = "scopes {0} is refused at {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[2]                    | scopes[0]",
        "[\"2\"]                | scopes[0]",
        "[\"cards:read\", 8]    | scopes[1]"
      })
  void apiKeyWithANumberForAScopeIsRefused(String scopes, String field) {
    String tenant = newTenant();
    Response answer =
        api.post(
            "/v1/admin/tenants/" + tenant + "/api-keys",
            OPERATOR_KEY,
            "{\"mode\": \"test\", \"scopes\": " + scopes + "}");
    assertFieldRefused(answer, field);
    assertNoKeys(tenant);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{\"mode\": \"test\", \"scopes\": []}",
        "{\"mode\": \"test\"}",
        "{\"mode\": \"test\", \"scopes\": null}"
      })
  void apiKeyWithoutScopesIsRefused(String body) {
    String tenant = newTenant();
    Response answer = api.post("/v1/admin/tenants/" + tenant + "/api-keys", OPERATOR_KEY, body);
    assertFieldRefused(answer, "scopes");
    assertNoKeys(tenant);
  }

  @Test
  void everyV1EndpointStatesItsAccessRule() {
    Map<RequestMappingInfo, HandlerMethod> methods = handlerMapping.getHandlerMethods();
    List<String> checked = new ArrayList<>();
    List<String> unguarded = new ArrayList<>();
    methods.forEach(
        (info, method) -> {
          boolean underV1 =
              info.getPatternValues().stream().anyMatch(pattern -> pattern.startsWith("/v1/"));
          if (!underV1) {
            return;
          }
          checked.add(info.toString());
          if (!statesAccessRule(method)) {
            unguarded.add(info + " -> " + method.getShortLogMessage());
          }
        });

    assertThat(checked)
        .as("the /v1 endpoints found")
        .anyMatch(m -> m.contains("/v1/cardholders"))
        .anyMatch(m -> m.contains("/v1/admin/tenants"));
    assertThat(unguarded)
        .as("/v1 endpoints with none of @RequiresScope, @OperatorOnly, @NetworkOnly")
        .isEmpty();
  }

  private static boolean statesAccessRule(HandlerMethod method) {
    return AnnotatedElementUtils.hasAnnotation(method.getMethod(), RequiresScope.class)
        || AnnotatedElementUtils.hasAnnotation(method.getMethod(), OperatorOnly.class)
        || AnnotatedElementUtils.hasAnnotation(method.getBeanType(), RequiresScope.class)
        || AnnotatedElementUtils.hasAnnotation(method.getBeanType(), OperatorOnly.class)
        || AnnotatedElementUtils.hasAnnotation(
            method.getMethod(), dev.cardos.tenancy.NetworkOnly.class)
        || AnnotatedElementUtils.hasAnnotation(
            method.getBeanType(), dev.cardos.tenancy.NetworkOnly.class);
  }

  private String newTenant() {
    return api.createTenant("Tenant " + UUID.randomUUID());
  }

  private String key(String tenant, String mode, String... scopes) {
    return api.createKey(tenant, mode, scopes).text("secret");
  }

  private void assertNoKeys(String tenant) {
    Response keys = expect(api.get("/v1/admin/tenants/" + tenant + "/api-keys", OPERATOR_KEY), 200);
    assertThat(keys.body().get("data")).as("keys of " + tenant).isEmpty();
  }

  private static String[] headersOf(String authorization) {
    return authorization == null ? new String[0] : new String[] {"Authorization", authorization};
  }

  private static void assertProblem(Response response, int status, String code) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.code()).as(response.toString()).isEqualTo(code);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }

  private static void assertUnauthenticated(Response response) {
    assertProblem(response, 401, "authentication_required");
    assertThat(response.header("WWW-Authenticate")).as(response.toString()).startsWith("Bearer");
  }

  private static void assertFieldRefused(Response response, String field) {
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.code()).as(response.toString()).isEqualTo("validation_failed");
    List<String> fields = new ArrayList<>();
    for (JsonNode error : response.body().get("errors")) {
      fields.add(error.get("field").asString());
    }
    assertThat(fields).as(response.toString()).containsExactly(field);
    assertThat(response.text("detail")).contains(field);
  }
}
