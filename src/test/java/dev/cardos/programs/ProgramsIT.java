package dev.cardos.programs;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.cards.CardFixtures;
import dev.cardos.cards.CardFixtures.BinRangeRef;
import dev.cardos.cards.CardFixtures.Tenant;
import dev.cardos.keys.Keys;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The operator's sponsors, BIN ranges and programs, and the programs a tenant sees. */
@ServerTest
class ProgramsIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired Keys keys;

  private CardFixtures fixtures;
  private TestApi api;

  @BeforeEach
  void setUp() {
    fixtures = new CardFixtures(port);
    api = fixtures.api;
  }

  // ------------------------------------------------------------------ BIN ranges

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a 5 digit BIN                  | \"bin\": \"12345\"              | bin",
        "a 9 digit BIN                  | \"bin\": \"123456789\"          | bin",
        "a BIN with a letter            | \"bin\": \"4123a5\"             | bin",
        "an unknown currency            | \"currencies\": [\"XYZ\"]       | currencies[0]",
        "a second unknown currency      | \"currencies\": [\"USD\", \"usd\"] | currencies[1]",
        "a feature not in the list      | \"features\": [\"atm\", \"nfc\"] | features",
        "a PAN of 12 digits             | \"pan_length\": 12               | pan_length",
        "a PAN of 20 digits             | \"pan_length\": 20               | pan_length",
        "5 account digits after 8      | \"pan_length\": 14               | pan_length",
        "an unknown country             | \"country\": \"XX\"              | country",
        "no forms                       | \"forms\": []                    | forms",
        "an unknown network             | \"network\": \"amex\"            | network",
      })
  void anInvalidBinRangeIsRefusedNamingTheField(String name, String change, String field) {
    String sponsor = fixtures.sponsor();
    String bin = CardFixtures.randomBin();
    String body = withField(CardFixtures.binRangeJson(bin, sponsor, ""), change.strip());
    long keysBefore = keyCount();

    Response refused = api.post("/v1/admin/bin-ranges", OPERATOR_KEY, body);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(fields(refused)).as(refused.toString()).contains(field.strip());
    assertThat(binsRecorded(bin)).isZero();
    assertThat(keyCount()).as("no key generated for a refused range").isEqualTo(keysBefore);
  }

  @ParameterizedTest(name = "a {0} digit BIN with {1} digit card numbers")
  @CsvSource({"8, 15", "6, 13", "6, 19"})
  void aPanLengthLeavingAtLeastSixAccountDigitsIsAcceptedAndIssuedAtThatLength(
      int binDigits, int panLength) {
    BinRangeRef range = fixtures.binRange(binDigits, ", \"pan_length\": " + panLength);
    assertThat(range.panLength()).isEqualTo(panLength);
    Tenant tenant = fixtures.tenant();
    String program = fixtures.program(tenant.id(), range.id(), "b2c", "once", "");
    String cardholder = fixtures.verifiedCardholder(tenant.key());

    Response card = expect(fixtures.issue(tenant.key(), program, cardholder, "virtual"), 201);

    String pan = card.body().get("sensitive").get("pan").asString();
    assertThat(pan).hasSize(panLength).startsWith(range.bin());
    assertThat(CardFixtures.luhn(pan)).isTrue();
  }

  @Test
  void aBinRangeOfAnUnknownSponsorIsNotFound() {
    String bin = CardFixtures.randomBin();

    Response refused =
        api.post(
            "/v1/admin/bin-ranges",
            OPERATOR_KEY,
            CardFixtures.binRangeJson(bin, "spn_" + "0".repeat(26), ""));

    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.code()).isEqualTo("resource_not_found");
    assertThat(binsRecorded(bin)).isZero();
  }

  @Test
  void aBinRecordedTwiceIsRefusedAsTakenAndWritesNothing() {
    BinRangeRef first = fixtures.binRange();
    long keysBefore = keyCount();

    Response again =
        api.post(
            "/v1/admin/bin-ranges",
            OPERATOR_KEY,
            CardFixtures.binRangeJson(first.bin(), fixtures.sponsor(), ""));

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("bin_taken");
    assertThat(fields(again)).containsExactly("bin");
    assertThat(binsRecorded(first.bin())).isEqualTo(1);
    assertThat(keyCount()).as("the keys generated for it are rolled back").isEqualTo(keysBefore);
  }

  @Test
  void aBinRangeAnswerNamesItsKeysButNeverHoldsTheirBytesAndTheStoreHoldsThemWrapped() {
    BinRangeRef range = fixtures.binRange();
    JsonNode answer = range.answer().body();
    String raw = range.answer().raw();

    List<String> keyIds = new ArrayList<>();
    for (String field : List.of("cvk_key_id", "pvk_key_id", "pin_key_id", "pin_aes_key_id")) {
      String keyId = answer.get(field).asString();
      assertThat(keyId).as(field).startsWith("km_");
      keyIds.add(keyId);
    }
    assertThat(keyIds).doesNotHaveDuplicates();
    for (String keyId : keyIds) {
      byte[] material = keys.material(keyId);
      assertThat(material).hasSize(16);
      String hex = HexFormat.of().formatHex(material);
      assertThat(raw.toLowerCase(Locale.ROOT)).doesNotContain(hex);
      assertThat(raw).doesNotContain(Base64.getEncoder().encodeToString(material));
      assertThat(raw).doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(material));

      byte[] wrapped =
          jdbc.sql("SELECT wrapped FROM key_material WHERE id = :id")
              .param("id", keyId)
              .query((rs, row) -> rs.getBytes(1))
              .single();
      assertThat(wrapped).as("nonce + ciphertext + GCM tag").hasSize(12 + material.length + 16);
      assertThat(wrapped).isNotEqualTo(material);
      assertThat(HexFormat.of().formatHex(wrapped)).doesNotContain(hex);
    }
    String listed = expect(api.get("/v1/admin/programs?limit=100", OPERATOR_KEY), 200).raw();
    for (String keyId : keyIds) {
      assertThat(listed).doesNotContain(HexFormat.of().formatHex(keys.material(keyId)));
    }
  }

  // ------------------------------------------------------------------ programs

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "an unknown currency            | \"currency\": \"XYZ\"                 | currency",
        "a currency the BIN lacks       | \"currency\": \"EUR\"                 | currency",
        "a bad time zone                | \"time_zone\": \"Mars/Olympus_Mons\"  | time_zone",
        "an unknown market              | \"markets\": [\"US\", \"XX\"]          | markets[1]",
        "no markets                     | \"markets\": []                       | markets",
        "validity of 0 months           | \"validity_months\": 0                | validity_months",
        "a negative fee                 | \"issuance_fee_virtual\": -1          | issuance_fee_virtual",
        "an unknown reveal policy       | \"reveal_policy\": \"always\"         | reveal_policy",
        "an ftp webhook                 | \"decision_webhook\": {\"url\": \"ftp://example.com/x\"}        | decision_webhook.url",
        "a webhook that is no URL       | \"decision_webhook\": {\"url\": \"not a url\"}                  | decision_webhook.url",
        "a webhook without host         | \"decision_webhook\": {\"url\": \"https:///decide\"}           | decision_webhook.url",
        "a budget of 0 ms               | \"decision_webhook\": {\"url\": \"https://example.com\", \"budget_ms\": 0}    | decision_webhook.budget_ms",
        "a budget of 2001 ms            | \"decision_webhook\": {\"url\": \"https://example.com\", \"budget_ms\": 2001} | decision_webhook.budget_ms",
      })
  void anInvalidProgramIsRefusedNamingTheField(String name, String change, String field) {
    Tenant tenant = fixtures.tenant();
    BinRangeRef range = fixtures.binRange();
    String body = withField(programJson(tenant.id(), range.id()), change.strip());

    Response refused = api.post("/v1/admin/programs", OPERATOR_KEY, body);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(fields(refused)).as(refused.toString()).contains(field.strip());
    assertThat(programsOf(tenant.id())).isZero();
  }

  @Test
  void aProgramTakesBudgetsAtTheLimitsAndDefaultsTheRest() {
    Tenant tenant = fixtures.tenant();
    BinRangeRef range = fixtures.binRange();

    for (int budget : new int[] {1, 2000}) {
      Response created =
          expect(
              api.post(
                  "/v1/admin/programs",
                  OPERATOR_KEY,
                  withField(
                      programJson(tenant.id(), range.id()),
                      "\"decision_webhook\": {\"url\": \"http://localhost:9/decide\", \"budget_ms\": %d}"
                          .formatted(budget))),
              201);
      assertThat(created.body().get("webhook_budget_ms").asInt()).isEqualTo(budget);
    }
    Response plain =
        expect(
            api.post("/v1/admin/programs", OPERATOR_KEY, programJson(tenant.id(), range.id())),
            201);
    JsonNode program = plain.body();
    assertThat(program.get("id").asString()).startsWith("prg_");
    assertThat(program.get("status").asString()).isEqualTo("enabled");
    assertThat(program.get("validity_months").asInt()).isEqualTo(36);
    assertThat(program.get("time_zone").asString()).isEqualTo("UTC");
    assertThat(program.get("renew_on_expiry").asBoolean()).isTrue();
    assertThat(program.get("webhook_stand_in").asString()).isEqualTo("decline");
    assertThat(program.get("issuance_fee_virtual").asLong()).isZero();
  }

  @Test
  void programsOfAnUnknownTenantOrBinRangeAreNotFound() {
    Tenant tenant = fixtures.tenant();
    BinRangeRef range = fixtures.binRange();

    Response noTenant =
        api.post(
            "/v1/admin/programs", OPERATOR_KEY, programJson("ten_" + "0".repeat(26), range.id()));
    Response noRange =
        api.post(
            "/v1/admin/programs", OPERATOR_KEY, programJson(tenant.id(), "bin_" + "0".repeat(26)));

    assertThat(noTenant.status()).isEqualTo(404);
    assertThat(noTenant.code()).isEqualTo("resource_not_found");
    assertThat(noRange.status()).isEqualTo(404);
    assertThat(noRange.code()).isEqualTo("resource_not_found");
    assertThat(programsOf(tenant.id())).isZero();
  }

  // ------------------------------------------------------------------ who may do what

  @Test
  void tenantKeysCannotCallOperatorEndpoints() {
    Tenant tenant = fixtures.tenant();
    BinRangeRef range = fixtures.binRange();
    String sponsor = fixtures.sponsor();
    String key = tenant.key();

    List<Response> answers =
        List.of(
            api.post(
                "/v1/admin/sponsors",
                key,
                "{\"name\": \"Bank\", \"country\": \"US\", \"regions\": [\"US\"]}"),
            api.post(
                "/v1/admin/bin-ranges",
                key,
                CardFixtures.binRangeJson(CardFixtures.randomBin(), sponsor, "")),
            api.post("/v1/admin/programs", key, programJson(tenant.id(), range.id())),
            api.get("/v1/admin/programs", key));

    assertThat(answers)
        .allSatisfy(
            r -> {
              assertThat(r.status()).as(r.toString()).isEqualTo(403);
              assertThat(r.code()).isEqualTo("operator_only");
            });
    assertThat(programsOf(tenant.id())).isZero();
    Response asOperator = api.get("/v1/programs", OPERATOR_KEY);
    assertThat(asOperator.status()).isEqualTo(403);
    assertThat(asOperator.code()).isEqualTo("tenant_key_required");
  }

  @Test
  void aTenantListsOnlyItsOwnEnabledProgramsAndCannotSeeAnothers() {
    Tenant tenant = fixtures.tenant();
    Tenant other = fixtures.tenant();
    BinRangeRef range = fixtures.binRange();
    String first = fixtures.program(tenant.id(), range.id(), "b2c", "once", "");
    String second = fixtures.program(tenant.id(), range.id(), "b2b", "on_demand", "");
    String disabled = fixtures.program(tenant.id(), range.id(), "b2c", "once", "");
    jdbc.sql("UPDATE programs SET status = 'disabled' WHERE id = :id")
        .param("id", disabled)
        .update();
    String foreign = fixtures.program(other.id(), range.id(), "b2c", "once", "");

    Response listed = expect(api.get("/v1/programs", tenant.key()), 200);

    List<String> ids = new ArrayList<>();
    listed.body().get("data").forEach(p -> ids.add(p.get("id").asString()));
    assertThat(ids).containsExactly(second, first);
    listed
        .body()
        .get("data")
        .forEach(p -> assertThat(p.get("tenant_id").asString()).isEqualTo(tenant.id()));
    assertThat(expect(api.get("/v1/programs/" + first, tenant.key()), 200).text("id"))
        .isEqualTo(first);
    for (String hidden : List.of(foreign, disabled)) {
      Response r = api.get("/v1/programs/" + hidden, tenant.key());
      assertThat(r.status()).as(hidden).isEqualTo(404);
      assertThat(r.code()).isEqualTo("resource_not_found");
    }
    List<String> otherIds = new ArrayList<>();
    expect(api.get("/v1/programs", other.key()), 200)
        .body()
        .get("data")
        .forEach(p -> otherIds.add(p.get("id").asString()));
    assertThat(otherIds).containsExactly(foreign);

    String cardholder = fixtures.verifiedCardholder(tenant.key());
    assertThat(fixtures.issue(tenant.key(), disabled, cardholder, "virtual").status())
        .as("no card on a disabled program")
        .isEqualTo(404);
    assertThat(fixtures.issue(tenant.key(), foreign, cardholder, "virtual").status())
        .isEqualTo(404);
  }

  // ------------------------------------------------------------------ helpers

  private static String programJson(String tenantId, String binRangeId) {
    return """
        {"tenant_id": "%s", "name": "Program %s", "bin_range_id": "%s", "kind": "b2c",
         "currency": "USD", "markets": ["US"], "reveal_policy": "once"}
        """
        .formatted(tenantId, UUID.randomUUID(), binRangeId);
  }

  /** The JSON object with one top-level field set to a new value (added if absent). */
  private static String withField(String json, String field) {
    String name = field.substring(0, field.indexOf(':')).strip();
    tools.jackson.databind.json.JsonMapper mapper =
        tools.jackson.databind.json.JsonMapper.builder().build();
    tools.jackson.databind.node.ObjectNode object =
        (tools.jackson.databind.node.ObjectNode) mapper.readTree(json);
    JsonNode value = mapper.readTree("{" + field + "}").get(name.replace("\"", ""));
    object.set(name.replace("\"", ""), value);
    return mapper.writeValueAsString(object);
  }

  private static List<String> fields(Response r) {
    List<String> fields = new ArrayList<>();
    JsonNode errors = r.body() == null ? null : r.body().get("errors");
    if (errors != null) {
      errors.forEach(e -> fields.add(e.get("field").asString()));
    }
    return fields;
  }

  private long binsRecorded(String bin) {
    return jdbc.sql("SELECT count(*) FROM bin_ranges WHERE bin = :bin")
        .param("bin", bin)
        .query(Long.class)
        .single();
  }

  private long programsOf(String tenantId) {
    return jdbc.sql("SELECT count(*) FROM programs WHERE tenant_id = :t")
        .param("t", tenantId)
        .query(Long.class)
        .single();
  }

  private long keyCount() {
    return jdbc.sql("SELECT count(*) FROM key_material").query(Long.class).single();
  }
}
