package dev.cardos.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.reliability.ApiSurface.Operation;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile input, generated from the OpenAPI document: every operation that takes a body gets
 * malformed JSON, the wrong JSON type, an empty object, an unknown field, invalid UTF-8, a body
 * over the size limit, and, field by field, the wrong type, a huge string, huge, negative and
 * overflowing numbers, invalid currencies and injection strings where an id, code or enum belongs;
 * every operation with an id in its path gets injection strings and oversized ids there. Each
 * answer must be a 4xx {@code application/problem+json} with a code, never a 5xx, and nothing may
 * be written (row counts of every table unchanged).
 *
 * <p>Values that an operation may legitimately accept (free text such as a label holding an
 * apostrophe) are not sent: every case here is invalid for the field it targets.
 */
@ServerTest
@TestPropertySource(properties = "cardos.test.database=api-attacks")
class HostileInputIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String HUGE_STRING = "A".repeat(300_000);
  private static final List<String> INJECTIONS =
      List.of(
          "' OR '1'='1",
          "'; DROP TABLE cards; --",
          "<script>alert(1)</script>",
          "${jndi:ldap://127.0.0.1/x}",
          "../../../../etc/passwd",
          "%00",
          "\u0000",
          "{{7*7}}",
          "card_01ABC' UNION SELECT pan_ciphertext FROM cards --");
  private static final List<String> BAD_NUMBERS =
      List.of(
          "-1",
          "-9223372036854775808",
          "9223372036854775808",
          "99999999999999999999999999999999999999",
          "1e400",
          "-0.5",
          "12.34",
          "NaN",
          "\"12\"",
          "true");
  private static final List<String> BAD_CURRENCIES =
      List.of("XXX", "usd", "US", "USDD", "123", "€€€", "");

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private final ApiSurface surface = new ApiSurface();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Victim victim;
  private String networkKey;
  private String[] plastic;
  private Map<String, String> bases;

  @BeforeEach
  void setUp() {
    victim = Victim.create(port, jdbc);
    networkKey =
        new TestApi(port).post("/v1/admin/network-keys", TestApi.OPERATOR_KEY, null).text("secret");
    JsonNode s =
        new TestApi(port)
            .get("/v1/cards/" + victim.ids.get("card") + "/sensitive", victim.key())
            .body();
    plastic =
        new String[] {
          s.get("pan").asString(),
          "%02d%02d".formatted(s.get("exp_year").asInt() % 100, s.get("exp_month").asInt()),
          s.get("cvv2").asString()
        };
    bases = validBodies();
  }

  /** One hostile request and why it is hostile. */
  private record Case(String what, String method, String path, byte[] body) {}

  private String keyFor(Operation op) {
    if (op.operatorOnly()) {
      return TestApi.OPERATOR_KEY;
    }
    return op.networkOnly() ? networkKey : victim.key();
  }

  private String pathOf(Operation op) {
    if (!op.hasPathId()) {
      return op.path();
    }
    if (op.operatorOnly()) {
      return op.path()
          .replace("{id}", victim.tenantId())
          .replace("{keyId}", "key_00000000000000000000000000");
    }
    return op.pathWith(victim.idFor(op.path()));
  }

  /**
   * A valid body for the operations that move money, so that one bad field is the only fault: an
   * amount of -1 in an otherwise valid request must be refused for the amount itself.
   */
  private Map<String, String> validBodies() {
    Map<String, String> id = victim.ids;
    String merchant =
        "{\"id\": \"M1\", \"name\": \"Shop\", \"mcc\": \"5411\", \"city\": \"Austin\","
            + " \"country\": \"US\"}";
    return Map.ofEntries(
        Map.entry("POST /v1/cards/{id}/fund", "{\"amount\": 100, \"currency\": \"USD\"}"),
        Map.entry("POST /v1/cards/{id}/withdraw", "{\"amount\": 100, \"currency\": \"USD\"}"),
        Map.entry(
            "POST /v1/transfers",
            "{\"from_account_id\": \"%s\", \"to_account_id\": \"%s\", \"amount\": 100, \"currency\": \"USD\"}"
                .formatted(id.get("funding"), id.get("wallet"))),
        Map.entry(
            "POST /v1/simulate/deposits",
            "{\"account_id\": \"%s\", \"amount\": 100, \"currency\": \"USD\", \"rail\": \"bank_transfer\", \"scheme\": \"swift\"}"
                .formatted(id.get("funding"))),
        Map.entry(
            "POST /v1/simulate/authorizations",
            "{\"card_id\": \"%s\", \"amount\": 100, \"currency\": \"USD\", \"channel\": \"ecommerce\", \"merchant\": %s}"
                .formatted(id.get("card"), merchant)),
        Map.entry("POST /v1/simulate/authorizations/{id}/increment", "{\"amount\": 100}"),
        Map.entry("POST /v1/simulate/authorizations/{id}/reverse", "{\"amount\": 100}"),
        Map.entry("POST /v1/simulate/authorizations/{id}/clear", "{\"amount\": 100}"),
        Map.entry(
            "POST /v1/simulate/refunds",
            "{\"card_id\": \"%s\", \"amount\": 100, \"currency\": \"USD\"}"
                .formatted(id.get("card"))),
        Map.entry(
            "POST /v1/simulate/force-posts",
            "{\"card_id\": \"%s\", \"amount\": 100, \"currency\": \"USD\"}"
                .formatted(id.get("card"))),
        Map.entry(
            "POST /v1/disputes",
            "{\"transaction_id\": \"%s\", \"reason\": \"fraud\", \"amount\": 100}"
                .formatted(id.get("transaction"))),
        Map.entry("PUT /v1/cards/{id}/controls", "{\"daily_limit\": 1000}"),
        Map.entry(
            "POST /v1/network/authorizations",
            ("{\"network_transaction_id\": \"HOSTILE-1\", \"pan\": \"%s\", \"expiry\": \"%s\","
                    + " \"cvv2\": \"%s\", \"amount\": 100, \"currency\": \"USD\","
                    + " \"channel\": \"ecommerce\", \"merchant\": %s}")
                .formatted(plastic[0], plastic[1], plastic[2], merchant)));
  }

  private List<Case> casesFor(Operation op) {
    List<Case> cases = new ArrayList<>();
    String path = pathOf(op);
    if (op.bodySchema() == null && !op.hasPathId() && op.query().contains("limit")) {
      for (String bad : List.of("-1", "0", "abc", "100000000000000000000", "1e3")) {
        cases.add(new Case("limit=" + bad, op.method(), path + "?limit=" + bad, null));
      }
    }
    if (op.hasPathId()) {
      for (String bad : INJECTIONS) {
        String encoded =
            java.net.URLEncoder.encode(bad, StandardCharsets.UTF_8).replace("+", "%20");
        cases.add(
            new Case(
                "path id " + bad,
                op.method(),
                op.pathWith(encoded),
                op.bodySchema() == null ? null : bytes("{}")));
      }
      // Sent as they are (characters a URI allows unencoded): they reach the handler's id checks.
      for (String bad : List.of("card_01ABC'OR'1'='1", "(reboot)", "x:y@z!*", "card_01ABC'--")) {
        cases.add(
            new Case(
                "raw path id " + bad,
                op.method(),
                op.pathWith(bad),
                op.bodySchema() == null ? null : bytes("{}")));
      }
      cases.add(
          new Case("path id of 10k chars", op.method(), op.pathWith("x".repeat(10_000)), null));
    }
    if (op.bodySchema() == null) {
      return cases;
    }
    String m = op.method();
    cases.add(new Case("malformed JSON", m, path, bytes("{\"amount\": ")));
    cases.add(new Case("not JSON", m, path, bytes("amount=1&currency=USD")));
    cases.add(new Case("a JSON array", m, path, bytes("[]")));
    cases.add(new Case("a JSON string", m, path, bytes("\"hello\"")));
    cases.add(new Case("a JSON number", m, path, bytes("42")));
    if (op.bodyRequired()) {
      // An optional body may be sent as null: that is "no body", and the action runs.
      cases.add(new Case("JSON null", m, path, bytes("null")));
    }
    cases.add(new Case("trailing garbage", m, path, bytes("{} {}")));
    cases.add(new Case("deep nesting", m, path, bytes("[".repeat(5_000) + "]".repeat(5_000))));
    cases.add(new Case("an unknown field", m, path, bytes("{\"zz_unknown\": 1}")));
    cases.add(
        new Case(
            "invalid UTF-8",
            m,
            path,
            new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
    cases.add(
        new Case(
            "a body over the limit",
            m,
            path,
            bytes("{\"label\": \"" + "A".repeat(2_100_000) + "\"}")));
    Map<String, JsonNode> properties = surface.properties(op.bodySchema());
    ObjectNode base =
        bases.containsKey(op.toString())
            ? (ObjectNode) JSON.readTree(bases.get(op.toString()))
            : null;
    if (!properties.isEmpty() && hasRequired(op.bodySchema())) {
      cases.add(new Case("an empty object", m, path, bytes("{}")));
    }
    for (Map.Entry<String, JsonNode> p : properties.entrySet()) {
      String field = p.getKey();
      String type = ApiSurface.type(p.getValue());
      for (String value : wrongTypes(type)) {
        cases.add(
            new Case(field + " of the wrong type " + value, m, path, with(base, field, value)));
      }
      if ("integer".equals(type) || "number".equals(type)) {
        for (String value : BAD_NUMBERS) {
          // A negative integer is only wrong where the field is an amount or a limit.
          if (isAmountLike(field) || !value.matches("-[0-9]{1,18}")) {
            cases.add(new Case(field + " = " + value, m, path, with(base, field, value)));
          }
        }
      }
      if ("string".equals(type) && p.getValue().has("maxLength")) {
        cases.add(
            new Case(field + " of 300k chars", m, path, with(base, field, quote(HUGE_STRING))));
      }
      if ("string".equals(type) && isCode(field, p.getValue())) {
        for (String bad : INJECTIONS) {
          cases.add(new Case(field + " = " + bad, m, path, with(base, field, quote(bad))));
        }
        cases.add(
            new Case(field + " of 300k chars", m, path, with(base, field, quote(HUGE_STRING))));
      }
      if (field.endsWith("currency")) {
        for (String bad : BAD_CURRENCIES) {
          cases.add(new Case(field + " = '" + bad + "'", m, path, with(base, field, quote(bad))));
        }
      }
    }
    return cases;
  }

  private static boolean hasRequired(JsonNode schema) {
    JsonNode required = schema.get("required");
    return required != null && !required.isEmpty();
  }

  /** An id, a currency, a country, an enum or a patterned code: nothing free-form. */
  private static boolean isCode(String field, JsonNode schema) {
    if (field.equals("network_transaction_id")) {
      return false; // the network's own reference: any text up to 64 characters
    }
    return field.endsWith("_id")
        || field.equals("id")
        || field.endsWith("currency")
        || field.endsWith("country")
        || schema.has("enum")
        || (schema.has("pattern") && !schema.get("pattern").asString().contains(".*"))
        || (schema.has("format") && !"email".equals(schema.get("format").asString()));
  }

  private static boolean isAmountLike(String field) {
    return field.contains("amount") || field.contains("limit") || field.endsWith("_bps");
  }

  private static List<String> wrongTypes(String type) {
    return switch (type) {
      case "string" -> List.of("{\"a\": 1}", "[1, 2]");
      case "integer", "number" -> List.of("\"abc\"", "{\"a\": 1}", "[1]");
      case "boolean" -> List.of("\"yes\"", "2", "{}");
      case "array" -> List.of("{\"a\": 1}", "\"x\"", "7");
      case "object" -> List.of("\"x\"", "[1]", "7");
      default -> List.of();
    };
  }

  private static String quote(String s) {
    ObjectNode holder = JSON.createObjectNode();
    holder.put("v", s);
    String json = holder.toString();
    return json.substring(json.indexOf(':') + 1, json.length() - 1);
  }

  /** The valid body (or an empty object) with one field set to a raw JSON value. */
  private static byte[] with(ObjectNode base, String field, String rawValue) {
    ObjectNode body = base == null ? JSON.createObjectNode() : base.deepCopy();
    body.put(field, "__hostile__");
    return bytes(body.toString().replace("\"__hostile__\"", rawValue));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private record Answer(int status, String contentType, String body) {}

  private Answer send(Case c, String key) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + c.path()))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + key);
    if (c.body() != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        c.method(),
        c.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(c.body()));
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      return new Answer(-1, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyOperationAnswersHostileInputWithA4xxProblemAndWritesNothing() {
    Map<String, Long> rowsBefore = RowCounts.of(jdbc);
    List<String> failures = new ArrayList<>();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    Map<String, Integer> perOperation = new LinkedHashMap<>();
    int cases = 0;
    for (Operation op : surface.operations()) {
      for (Case c : casesFor(op)) {
        cases++;
        perOperation.merge(op.toString(), 1, Integer::sum);
        Answer a = send(c, keyFor(op));
        byStatus.merge(a.status(), 1, Integer::sum);
        String where = op + " with " + c.what() + ": ";
        if (a.status() < 400 || a.status() >= 500) {
          failures.add(where + a.status() + " " + abbreviate(a.body()));
          continue;
        }
        if (!a.contentType().startsWith("application/problem+json")) {
          failures.add(where + "not a problem: " + a.contentType() + " " + abbreviate(a.body()));
          continue;
        }
        JsonNode problem = JSON.readTree(a.body());
        if (!problem.hasNonNull("code") || problem.get("code").asString().isBlank()) {
          failures.add(where + "no code: " + abbreviate(a.body()));
        }
        if (a.body().contains("Exception")
            || a.body().contains("org.")
            || a.body().contains("SQL")) {
          failures.add(where + "leaks internals: " + abbreviate(a.body()));
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(RowCounts.of(jdbc)).as("nothing written").isEqualTo(rowsBefore);
    assertThat(perOperation.keySet())
        .as("every operation that takes input was attacked")
        .containsExactlyInAnyOrderElementsOf(
            surface.operations().stream()
                .filter(
                    op -> op.bodySchema() != null || op.hasPathId() || op.query().contains("limit"))
                .map(Operation::toString)
                .toList());
    System.out.printf(
        "HostileInputIT: %d hostile requests to %d operations; answers by status %s%n",
        cases, perOperation.size(), byStatus);
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
