package dev.cardos.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP client for the running server, speaking the API as a tenant or operator would. */
public final class TestApi {

  public static final String OPERATOR_KEY = "op_testOperatorKey0123456789abcdefghijklmnop";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public TestApi(int port) {
    this.base = "http://localhost:" + port;
  }

  /** An answer: status, headers, raw body and the body as JSON (null when not JSON). */
  public record Response(int status, HttpHeaders headers, String raw, JsonNode body) {

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public String id() {
      return body.get("id").asString();
    }

    public String text(String field) {
      JsonNode node = body.get(field);
      return node == null || node.isNull() ? null : node.asString();
    }

    public String code() {
      return text("code");
    }

    @Override
    public String toString() {
      return status + " " + raw;
    }
  }

  public Response get(String path, String key) {
    return send("GET", path, key, null);
  }

  public Response post(String path, String key, String json, String... headers) {
    return send("POST", path, key, json, headers);
  }

  public Response patch(String path, String key, String json) {
    return send("PATCH", path, key, json);
  }

  public Response send(String method, String path, String key, String json, String... headers) {
    Response response = sendOnce(method, path, key, json, headers);
    // The operator key is shared by every test class on the shared server, and it keeps the
    // default 100 requests per second: on a fast machine the suite as a whole can pass that. A 429
    // did nothing, so the operator's request is sent again once its second is over. Tenant keys,
    // which the rate-limit tests burst, get their 429s as they come.
    for (int attempt = 0;
        attempt < 5 && response.status() == 429 && OPERATOR_KEY.equals(key);
        attempt++) {
      try {
        Thread.sleep(
            1_000L * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      response = sendOnce(method, path, key, json, headers);
    }
    return response;
  }

  private Response sendOnce(
      String method, String path, String key, String json, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String type = response.headers().firstValue("Content-Type").orElse("");
      JsonNode body =
          type.contains("json") && !response.body().isEmpty()
              ? JSON.readTree(response.body())
              : null;
      return new Response(response.statusCode(), response.headers(), response.body(), body);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates a tenant as the operator; returns its id. */
  public String createTenant(String name) {
    Response r = post("/v1/admin/tenants", OPERATOR_KEY, "{\"name\": \"" + name + "\"}");
    expect(r, 201);
    return r.id();
  }

  /** Creates an API key as the operator; returns the whole answer (with the secret). */
  public Response createKey(String tenantId, String mode, String... scopes) {
    String scopeList = String.join(",", Arrays.stream(scopes).map(s -> "\"" + s + "\"").toList());
    Response r =
        post(
            "/v1/admin/tenants/" + tenantId + "/api-keys",
            OPERATOR_KEY,
            "{\"mode\": \"" + mode + "\", \"scopes\": [" + scopeList + "]}");
    expect(r, 201);
    return r;
  }

  /** A new tenant with one key of the given mode holding every scope; returns the secret. */
  public String newTenantKey(String mode) {
    String tenant = createTenant("Tenant " + UUID.randomUUID());
    return createKey(tenant, mode, ALL_SCOPES.toArray(String[]::new)).text("secret");
  }

  public static final List<String> ALL_SCOPES =
      List.of(
          "cards:read",
          "cards:write",
          "cards:reveal",
          "controls:write",
          "funds:read",
          "funds:write",
          "transactions:read",
          "disputes:write",
          "webhooks:write");

  /** A valid cardholder body with the given reference. */
  public static String cardholderJson(String reference) {
    return """
        {"reference": "%s", "first_name": "Ada", "last_name": "Lovelace",
         "email": "ada@example.com", "phone": "+15125550100", "date_of_birth": "1990-12-10",
         "billing_address": {"line1": "1 Main St", "city": "Austin", "state": "TX",
                             "postal_code": "78701", "country": "US"},
         "document": {"type": "passport", "number": "X1234567", "country": "GB"},
         "metadata": {"user_id": "42"}}
        """
        .formatted(reference);
  }

  public static Response expect(Response response, int status) {
    if (response.status() != status) {
      throw new AssertionError("expected " + status + " but got " + response);
    }
    return response;
  }
}
