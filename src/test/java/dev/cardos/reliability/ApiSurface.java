package dev.cardos.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every operation of the checked-in OpenAPI document ({@code docs/openapi.json}, which OpenApiIT
 * keeps equal to what the server serves), with its request body schema resolved. The attack tests
 * walk this list, so an endpoint added later is attacked without anyone writing a test for it.
 */
final class ApiSurface {

  /** One operation: method, path template, and the JSON schema of its body (null when none). */
  record Operation(
      String method, String path, JsonNode bodySchema, boolean bodyRequired, List<String> query) {

    boolean hasPathId() {
      return path.contains("{");
    }

    boolean operatorOnly() {
      return path.startsWith("/v1/admin/");
    }

    boolean networkOnly() {
      return path.startsWith("/v1/network/");
    }

    boolean tenant() {
      return !operatorOnly() && !networkOnly();
    }

    /** The path with every template variable replaced by {@code id}. */
    String pathWith(String id) {
      return path.replaceAll("\\{[^}]+}", id);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private final JsonNode document;
  private final List<Operation> operations = new ArrayList<>();

  ApiSurface() {
    try {
      document =
          JsonMapper.builder().build().readTree(Files.readString(Path.of("docs/openapi.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        JsonNode schema =
            op.getValue()
                .path("requestBody")
                .path("content")
                .path("application/json")
                .path("schema");
        List<String> query = new ArrayList<>();
        for (JsonNode parameter : op.getValue().path("parameters")) {
          if ("query".equals(parameter.path("in").asString())) {
            query.add(parameter.get("name").asString());
          }
        }
        operations.add(
            new Operation(
                op.getKey().toUpperCase(java.util.Locale.ROOT),
                path.getKey(),
                schema.isMissingNode() ? null : resolve(schema),
                op.getValue().path("requestBody").path("required").asBoolean(false),
                List.copyOf(query)));
      }
    }
  }

  List<Operation> operations() {
    return operations;
  }

  /** Follows a {@code $ref} to its component schema. */
  JsonNode resolve(JsonNode schema) {
    JsonNode ref = schema.get("$ref");
    if (ref == null) {
      return schema;
    }
    String name = ref.asString().substring("#/components/schemas/".length());
    return resolve(document.get("components").get("schemas").get(name));
  }

  /** The body schema's properties, each resolved; empty when it has none. */
  Map<String, JsonNode> properties(JsonNode schema) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (schema == null) {
      return out;
    }
    JsonNode props = resolve(schema).get("properties");
    if (props != null) {
      for (Map.Entry<String, JsonNode> p : props.properties()) {
        out.put(p.getKey(), resolve(p.getValue()));
      }
    }
    return out;
  }

  /** The JSON type a schema declares ({@code string}, {@code integer}, ...), or "object". */
  static String type(JsonNode schema) {
    JsonNode type = schema.get("type");
    if (type == null) {
      return schema.has("properties") ? "object" : "any";
    }
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (!"null".equals(t.asString())) {
          return t.asString();
        }
      }
    }
    return type.asString();
  }
}
