package dev.cardos;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The served OpenAPI document is the checked-in {@code docs/openapi.json}, so a change to the API
 * shows up in review as a change to that file. Run with {@code -Dcardos.openapi.write=true} to
 * write the served document there instead.
 */
@ServerTest
class OpenApiIT {

  private static final Path CHECKED_IN = Path.of("docs", "openapi.json");
  private static final Set<String> OPERATIONS =
      Set.of("get", "put", "post", "delete", "patch", "options", "head", "trace");
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  @LocalServerPort int port;

  private ObjectNode served;

  @BeforeEach
  void fetchTheServedDocument() {
    JsonNode document = expect(new TestApi(port).get("/openapi.json", null), 200).body();
    assertThat(document).isNotNull();
    served = (ObjectNode) sorted(document);
    // The server list names this run's random port; it is not part of the API.
    served.remove("servers");
  }

  @Test
  void theServedDocumentIsTheCheckedInOne() throws IOException {
    if (Boolean.getBoolean("cardos.openapi.write")) {
      Files.createDirectories(CHECKED_IN.getParent());
      Files.writeString(CHECKED_IN, JSON.writeValueAsString(served) + "\n", StandardCharsets.UTF_8);
    }
    assertThat(CHECKED_IN)
        .as("%s is missing; write it with -Dcardos.openapi.write=true", CHECKED_IN)
        .exists();
    JsonNode checkedIn = JSON.readTree(Files.readString(CHECKED_IN));

    assertThat(differences("", checkedIn, served))
        .as(
            "the API changed but %s did not; review and rewrite it with"
                + " -Dcardos.openapi.write=true",
            CHECKED_IN)
        .isEmpty();
    assertThat(served).isEqualTo(checkedIn);
  }

  @Test
  void theDocumentIsOpenApiThreeOne() {
    assertThat(served.get("openapi").asString()).matches("3\\.1\\.\\d+");
    assertThat(served.get("info").get("title").asString()).isEqualTo("CardOS API");
  }

  @Test
  void everyVersionOnePathHasAnOperation() {
    JsonNode paths = served.get("paths");
    List<String> v1Paths =
        paths.propertyNames().stream().filter(p -> p.startsWith("/v1/")).toList();

    assertThat(v1Paths).contains("/v1/cardholders", "/v1/cardholders/{id}", "/v1/admin/tenants");
    assertThat(v1Paths)
        .allSatisfy(
            path ->
                assertThat(paths.get(path).propertyNames())
                    .as("operations of %s", path)
                    .containsAnyElementsOf(OPERATIONS));
  }

  @Test
  void theDocumentDeclaresBearerAuthenticationForEveryOperation() {
    JsonNode scheme = served.get("components").get("securitySchemes").get("apiKey");

    assertThat(scheme.get("type").asString()).isEqualTo("http");
    assertThat(scheme.get("scheme").asString()).isEqualTo("bearer");
    assertThat(served.get("security")).hasSize(1);
    assertThat(served.get("security").get(0).has("apiKey")).isTrue();
  }

  @Test
  void schemaPropertyNamesAreSnakeCaseLikeTheJsonOnTheWire() {
    JsonNode schemas = served.get("components").get("schemas");
    List<String> camelCase = new ArrayList<>();
    for (Map.Entry<String, JsonNode> schema : schemas.properties()) {
      JsonNode properties = schema.getValue().get("properties");
      if (properties != null) {
        properties.propertyNames().stream()
            .filter(name -> !name.matches("[a-z0-9_]+"))
            .forEach(name -> camelCase.add(schema.getKey() + "." + name));
      }
    }

    assertThat(schemas.propertyNames()).contains("Cardholder");
    assertThat(schemas.get("Cardholder").get("properties").propertyNames())
        .contains("first_name", "billing_address", "kyc_status", "created_at");
    assertThat(camelCase).isEmpty();
  }

  @Test
  void noOperationAsksForTheRealmOrCallerWhichComeFromTheApiKey() {
    List<String> leaked = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : served.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
        JsonNode parameters = operation.getValue().get("parameters");
        if (parameters != null) {
          parameters
              .valueStream()
              .map(parameter -> parameter.get("name").asString())
              .filter(name -> name.equals("realm") || name.equals("caller"))
              .forEach(name -> leaked.add(operation.getKey() + " " + path.getKey() + " " + name));
        }
      }
    }

    assertThat(leaked).isEmpty();
    assertThat(served.get("components").get("schemas").propertyNames())
        .doesNotContain("Realm", "Caller");
  }

  /** A copy with every object's members in name order, so the file diffs stably. */
  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      new TreeSet<>(node.propertyNames()).forEach(name -> out.set(name, sorted(node.get(name))));
      return out;
    }
    if (node.isArray()) {
      var out = JSON.createArrayNode();
      node.forEach(element -> out.add(sorted(element)));
      return out;
    }
    return node;
  }

  /** JSON pointers where the two documents differ, to say what changed in a failure. */
  private static List<String> differences(String pointer, JsonNode expected, JsonNode actual) {
    List<String> out = new ArrayList<>();
    if (expected == null || actual == null) {
      out.add(pointer + (expected == null ? " (added)" : " (removed)"));
    } else if (expected.isObject() && actual.isObject()) {
      Set<String> names = new TreeSet<>(expected.propertyNames());
      names.addAll(actual.propertyNames());
      for (String name : names) {
        String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
        out.addAll(differences(child, expected.get(name), actual.get(name)));
      }
    } else if (!expected.equals(actual)) {
      out.add(pointer);
    }
    return out;
  }
}
