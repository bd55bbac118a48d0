package dev.cardos.cardholders;

import static dev.cardos.testing.TestApi.cardholderJson;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.time.LocalDate;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * SPEC §8: bad input is a 400 that says which field and why, in snake_case, and nothing is written
 * on a rejected request. Every case breaks exactly one thing in an otherwise valid body.
 */
@ServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CardholderValidationIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  /** One tenant receives every refused body, so its cardholder count must stay at zero. */
  private String tenantId;

  private String secret;

  /** Another tenant, whose cardholders the PATCH cases try to break. */
  private String patchSecret;

  @BeforeAll
  void createTheTenantThatReceivesEveryRefusedBody() {
    TestApi api = new TestApi(port);
    tenantId = api.createTenant("Tenant " + UUID.randomUUID());
    secret = api.createKey(tenantId, "test", "cards:read", "cards:write").text("secret");
    String patchTenant = api.createTenant("Tenant " + UUID.randomUUID());
    patchSecret = api.createKey(patchTenant, "test", "cards:read", "cards:write").text("secret");
  }

  static Stream<Arguments> invalidBodies() {
    String future = LocalDate.now().plusYears(1).toString();
    return Stream.of(
        refused("reference missing", b -> b.remove("reference"), "validation_failed", "reference"),
        refused("reference blank", b -> b.put("reference", "  "), "validation_failed", "reference"),
        refused(
            "reference over 100 characters",
            b -> b.put("reference", "r".repeat(101)),
            "validation_failed",
            "reference"),
        refused(
            "first_name missing", b -> b.remove("first_name"), "validation_failed", "first_name"),
        refused(
            "first_name blank", b -> b.put("first_name", ""), "validation_failed", "first_name"),
        refused("last_name missing", b -> b.remove("last_name"), "validation_failed", "last_name"),
        refused("last_name blank", b -> b.put("last_name", " "), "validation_failed", "last_name"),
        refused("email missing", b -> b.remove("email"), "validation_failed", "email"),
        refused("email blank", b -> b.put("email", ""), "validation_failed", "email"),
        refused(
            "email without @",
            b -> b.put("email", "ada.example.com"),
            "validation_failed",
            "email"),
        refused("phone not E.164", b -> b.put("phone", "5125550100"), "validation_failed", "phone"),
        refused(
            "date_of_birth in the future",
            b -> b.put("date_of_birth", future),
            "validation_failed",
            "date_of_birth"),
        refused(
            "date_of_birth before 1900",
            b -> b.put("date_of_birth", "1899-12-31"),
            "validation_failed",
            "date_of_birth"),
        refused(
            "date_of_birth not a date",
            b -> b.put("date_of_birth", "10/12/1990"),
            "validation_failed",
            "date_of_birth"),
        refused(
            "date_of_birth not a calendar day",
            b -> b.put("date_of_birth", "1990-02-30"),
            "validation_failed",
            "date_of_birth"),
        refused(
            "billing_address missing",
            b -> b.remove("billing_address"),
            "validation_failed",
            "billing_address"),
        refused(
            "billing_address.country not a country",
            b -> address(b).put("country", "XX"),
            "validation_failed",
            "billing_address.country"),
        refused(
            "billing_address.country alpha-3 lower case",
            b -> address(b).put("country", "usa"),
            "validation_failed",
            "billing_address.country"),
        refused(
            "billing_address.postal_code blank",
            b -> address(b).put("postal_code", " "),
            "validation_failed",
            "billing_address.postal_code"),
        refused(
            "document.type unknown",
            b -> document(b).put("type", "library_card"),
            "validation_failed",
            "document.type"),
        refused(
            "document.number with spaces",
            b -> document(b).put("number", "X123 4567"),
            "validation_failed",
            "document.number"),
        refused(
            "kyc_status unknown",
            b -> b.put("kyc_status", "approved"),
            "validation_failed",
            "kyc_status"),
        refused(
            "metadata with 51 keys",
            b -> {
              ObjectNode metadata = b.putObject("metadata");
              for (int i = 0; i < 51; i++) {
                metadata.put("k" + i, "v");
              }
            },
            "validation_failed",
            "metadata"),
        refused(
            "metadata key of 41 characters",
            b -> b.putObject("metadata").put("k".repeat(41), "v"),
            "validation_failed",
            "metadata"),
        refused(
            "metadata value of 501 characters",
            b -> b.putObject("metadata").put("note", "v".repeat(501)),
            "validation_failed",
            "metadata.note"),
        refused(
            "unknown top-level field", b -> b.put("nickname", "Ada"), "unknown_field", "nickname"),
        refused(
            "unknown nested field",
            b -> address(b).put("zip", "78701"),
            "unknown_field",
            "billing_address.zip"),
        argumentSet("body not JSON", "reference=u-1&first_name=Ada", "malformed_json", null),
        argumentSet("body truncated", "{\"reference\": \"u-1\",", "malformed_json", null),
        argumentSet("body empty", "", "malformed_json", null));
  }

  @ParameterizedTest
  @MethodSource("invalidBodies")
  void anInvalidCreateIsRefusedNamingTheFieldAndWritesNothing(
      String body, String code, String field) {
    Response refused = new TestApi(port).post("/v1/cardholders", secret, body);

    assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.code()).as(refused.raw()).isEqualTo(code);
    assertThat(refused.text("detail")).isNotBlank();
    if (field == null) {
      assertThat(refused.body().get("errors")).isNull();
    } else {
      assertThat(refused.body().get("errors").findValuesAsString("field"))
          .as(refused.raw())
          .contains(field);
    }
    assertThat(cardholderCount(tenantId)).isZero();
  }

  @Test
  void theUnbrokenBodyOfTheTableIsAccepted() {
    TestApi api = new TestApi(port);
    String otherTenant = api.createTenant("Tenant " + UUID.randomUUID());
    String otherSecret = api.createKey(otherTenant, "test", "cards:write").text("secret");

    expect(api.post("/v1/cardholders", otherSecret, cardholderJson("u-1")), 201);

    assertThat(cardholderCount(otherTenant)).isEqualTo(1);
  }

  static Stream<Arguments> invalidPatches() {
    String future = LocalDate.now().plusYears(1).toString();
    return Stream.of(
        argumentSet(
            "email without @", "{\"email\": \"not-an-email\"}", "validation_failed", "email"),
        argumentSet("email empty", "{\"email\": \"\"}", "validation_failed", "email"),
        argumentSet("last_name empty", "{\"last_name\": \"\"}", "validation_failed", "last_name"),
        argumentSet(
            "reference over 100 characters",
            "{\"reference\": \"" + "r".repeat(101) + "\"}",
            "validation_failed",
            "reference"),
        argumentSet("phone not E.164", "{\"phone\": \"12345\"}", "validation_failed", "phone"),
        argumentSet(
            "date_of_birth before 1900",
            "{\"date_of_birth\": \"1899-12-31\"}",
            "validation_failed",
            "date_of_birth"),
        argumentSet(
            "date_of_birth in the future",
            "{\"date_of_birth\": \"" + future + "\"}",
            "validation_failed",
            "date_of_birth"),
        argumentSet(
            "kyc_status unknown",
            "{\"kyc_status\": \"approved\"}",
            "validation_failed",
            "kyc_status"),
        argumentSet(
            "billing_address.country not a country",
            "{\"billing_address\": {\"line1\": \"1 Main St\", \"city\": \"Austin\","
                + " \"postal_code\": \"78701\", \"country\": \"XX\"}}",
            "validation_failed",
            "billing_address.country"),
        argumentSet(
            "document.number with spaces",
            "{\"document\": {\"type\": \"passport\", \"number\": \"X1 234\", \"country\": \"GB\"}}",
            "validation_failed",
            "document.number"),
        argumentSet(
            "metadata key of 41 characters",
            "{\"metadata\": {\"" + "k".repeat(41) + "\": \"v\"}}",
            "validation_failed",
            "metadata"),
        argumentSet(
            "unknown field beside a valid one",
            "{\"email\": \"grace@example.com\", \"nickname\": \"Grace\"}",
            "unknown_field",
            "nickname"));
  }

  @ParameterizedTest
  @MethodSource("invalidPatches")
  void anInvalidPatchIsRefusedNamingTheFieldAndLeavesTheCardholderUnchanged(
      String patch, String code, String field) {
    assertPatchRefused(patch, code, field);
  }

  @ParameterizedTest
  @ValueSource(strings = {"reference", "first_name", "last_name"})
  void aBlankNameOrReferenceOnPatchIsRefusedAsOnCreate(String field) {
    assertPatchRefused("{\"" + field + "\": \"   \"}", "validation_failed", field);
  }

  private void assertPatchRefused(String patch, String code, String field) {
    TestApi api = new TestApi(port);
    Response created =
        expect(
            api.post("/v1/cardholders", patchSecret, cardholderJson("u-" + UUID.randomUUID())),
            201);
    String path = "/v1/cardholders/" + created.id();

    Response refused = api.patch(path, patchSecret, patch);

    assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
    assertThat(refused.code()).as(refused.raw()).isEqualTo(code);
    assertThat(refused.body().get("errors").findValuesAsString("field"))
        .as(refused.raw())
        .containsExactly(field);
    assertThat(expect(api.get(path, patchSecret), 200).body()).isEqualTo(created.body());
    assertThat(
            jdbc.sql("SELECT email, first_name FROM cardholders WHERE id = :id")
                .param("id", created.id())
                .query((rs, row) -> rs.getString(1) + " " + rs.getString(2))
                .single())
        .isEqualTo("ada@example.com Ada");
  }

  private static Arguments refused(
      String name, Consumer<ObjectNode> breakIt, String code, String field) {
    ObjectNode body = (ObjectNode) JSON.readTree(cardholderJson("u-" + UUID.randomUUID()));
    breakIt.accept(body);
    return argumentSet(name, JSON.writeValueAsString(body), code, field);
  }

  private static ObjectNode address(ObjectNode body) {
    return (ObjectNode) body.get("billing_address");
  }

  private static ObjectNode document(ObjectNode body) {
    return (ObjectNode) body.get("document");
  }

  private long cardholderCount(String tenant) {
    return jdbc.sql("SELECT count(*) FROM cardholders WHERE tenant_id = :tenant")
        .param("tenant", tenant)
        .query(Long.class)
        .single();
  }
}
