package dev.cardos.events;

import static dev.cardos.testing.TestApi.expect;

import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * A fresh tenant with one key (of a mode) holding every scope, and the requests the webhook tests
 * make over and over: registering endpoints and producing events. Helpers named after an object
 * expect success; {@link #post} and {@link #get} return whatever the server answered.
 */
final class WebhookTenant {

  final TestApi api;
  final String id;
  final String key;
  private String fundingAccount;

  private WebhookTenant(TestApi api, String id, String key) {
    this.api = api;
    this.id = id;
    this.key = key;
  }

  /** A new tenant and a key of this mode ({@code test} or {@code live}). */
  static WebhookTenant create(TestApi api, String mode) {
    String tenant = api.createTenant("Webhooks " + UUID.randomUUID());
    return new WebhookTenant(api, tenant, key(api, tenant, mode));
  }

  /** A tenant made elsewhere, with a key holding every scope. */
  static WebhookTenant of(TestApi api, String id, String key) {
    return new WebhookTenant(api, id, key);
  }

  /** The same tenant seen through a new key of another mode. */
  WebhookTenant inMode(String mode) {
    return new WebhookTenant(api, id, key(api, id, mode));
  }

  private static String key(TestApi api, String tenant, String mode) {
    return api.createKey(tenant, mode, TestApi.ALL_SCOPES.toArray(String[]::new)).text("secret");
  }

  Response post(String path, String json) {
    return api.post(path, key, json);
  }

  Response get(String path) {
    return api.get(path, key);
  }

  Response delete(String path) {
    return api.send("DELETE", path, key, null);
  }

  // ------------------------------------------------------------------ endpoints

  /** POST /v1/webhook-endpoints as is. */
  Response register(String url, String... eventTypes) {
    String types =
        Arrays.stream(eventTypes).map(t -> "\"" + t + "\"").collect(Collectors.joining(", "));
    return post(
        "/v1/webhook-endpoints", "{\"url\": \"%s\", \"event_types\": [%s]}".formatted(url, types));
  }

  /** A registered endpoint: its id and signing secret. */
  record Endpoint(String id, String secret) {}

  Endpoint endpoint(String url, String... eventTypes) {
    Response created = expect(register(url, eventTypes), 201);
    return new Endpoint(created.id(), created.text("secret"));
  }

  /** The endpoint as {@code GET /v1/webhook-endpoints} lists it. */
  JsonNode listedEndpoint(String endpointId) {
    for (JsonNode e : data(expect(get("/v1/webhook-endpoints?limit=100"), 200))) {
      if (endpointId.equals(e.get("id").asString())) {
        return e;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ events

  /** The tenant's one funding account in USD, opened on first use. */
  String fundingAccount() {
    if (fundingAccount == null) {
      fundingAccount =
          expect(post("/v1/accounts", "{\"kind\": \"funding\", \"currency\": \"USD\"}"), 201).id();
    }
    return fundingAccount;
  }

  /** A SWIFT deposit (no fee); returns the deposit's id. */
  String deposit(String accountId, long amount) {
    return expect(
            post(
                "/v1/simulate/deposits",
                """
                {"account_id": "%s", "amount": %d, "currency": "USD",
                 "rail": "bank_transfer", "scheme": "swift"}
                """
                    .formatted(accountId, amount)),
            201)
        .id();
  }

  /** A deposit into the funding account; returns the id of its {@code deposit.received}. */
  String depositEvent(long amount) {
    return eventFor("deposit.received", deposit(fundingAccount(), amount));
  }

  /** The id of the one event of this type about this object. */
  String eventFor(String type, String objectId) {
    List<JsonNode> events =
        data(expect(get("/v1/events?type=" + type + "&object_id=" + objectId), 200));
    if (events.size() != 1) {
      throw new AssertionError("expected one " + type + " about " + objectId + ": " + events);
    }
    return events.getFirst().get("id").asString();
  }

  /** {@code GET /v1/events/{id}/deliveries}: one entry per endpoint. */
  List<JsonNode> deliveries(String eventId) {
    List<JsonNode> out = new ArrayList<>();
    expect(get("/v1/events/" + eventId + "/deliveries"), 200).body().forEach(out::add);
    return out;
  }

  /** The delivery of an event to one endpoint, or null when there is none. */
  JsonNode delivery(String eventId, String endpointId) {
    return deliveries(eventId).stream()
        .filter(d -> endpointId.equals(d.get("endpoint_id").asString()))
        .findFirst()
        .orElse(null);
  }

  static List<JsonNode> data(Response page) {
    List<JsonNode> out = new ArrayList<>();
    page.body().get("data").forEach(out::add);
    return out;
  }

  static List<String> ids(Response page) {
    return data(page).stream().map(n -> n.get("id").asString()).toList();
  }

  /** The fields a problem answer names in its {@code errors}. */
  static List<String> fields(Response problem) {
    if (!String.valueOf(problem.header("Content-Type")).startsWith("application/problem+json")
        || problem.body().get("errors") == null) {
      throw new AssertionError("expected a problem naming fields but got " + problem);
    }
    List<String> out = new ArrayList<>();
    problem.body().get("errors").forEach(e -> out.add(e.get("field").asString()));
    return out;
  }
}
