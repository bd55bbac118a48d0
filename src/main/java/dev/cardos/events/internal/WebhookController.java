package dev.cardos.events.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.cardos.events.EventType;
import dev.cardos.keys.KeyPurpose;
import dev.cardos.keys.Keys;
import dev.cardos.shared.IdempotentReplay;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Webhook endpoints, events for catching up, delivery logs and redelivery. */
@RestController
@Tag(name = "webhooks")
class WebhookController {

  private static final Duration ROTATION_OVERLAP = Duration.ofHours(24);
  private static final int URL_LENGTH_MAX = 2000;

  private final WebhookEndpoints endpoints;
  private final Keys keys;
  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;

  WebhookController(WebhookEndpoints endpoints, Keys keys, JdbcClient jdbc, Ids ids, Clock clock) {
    this.endpoints = endpoints;
    this.keys = keys;
    this.jdbc = jdbc;
    this.ids = ids;
    this.clock = clock;
  }

  record CreateEndpoint(
      @NotNull @Size(max = URL_LENGTH_MAX) String url,
      @NotEmpty @Size(max = 100) List<@NotNull String> eventTypes,
      @Size(max = 500) String description) {}

  /** An endpoint as shown; {@code secret} only in the answers that create or rotate it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record EndpointView(
      String id,
      boolean livemode,
      String url,
      List<String> eventTypes,
      String description,
      String status,
      String disabledReason,
      Instant createdAt,
      String secret) {

    static EndpointView of(WebhookEndpoints.Endpoint e, String secret) {
      return new EndpointView(
          e.id(),
          e.livemode(),
          e.url(),
          e.eventTypes(),
          e.description(),
          e.status(),
          e.disabledReason(),
          e.createdAt(),
          secret);
    }

    @Override
    public String toString() {
      return "EndpointView[" + id + "]";
    }
  }

  @PostMapping("/v1/webhook-endpoints")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.WEBHOOKS_WRITE)
  @Operation(
      summary = "Register a webhook endpoint; its signing secret is shown only in this answer")
  @Transactional
  EndpointView create(
      Realm realm, @Valid @RequestBody CreateEndpoint body, HttpServletRequest http) {
    EndpointAddresses.refusal(body.url(), realm.live())
        .ifPresent(
            reason -> {
              throw new Problem(
                  ProblemCode.ENDPOINT_URL_REFUSED,
                  "The URL " + reason,
                  List.of(new Problem.FieldError("url", reason)));
            });
    for (int i = 0; i < body.eventTypes().size(); i++) {
      String type = body.eventTypes().get(i);
      if (!"*".equals(type) && EventType.fromWire(type).isEmpty()) {
        throw Problem.invalidField(
            "event_types[" + i + "]", "is not an event type (see docs/events.md) or *");
      }
    }
    String secretKeyId = keys.generate(KeyPurpose.WEBHOOK_SECRET);
    WebhookEndpoints.Endpoint endpoint =
        new WebhookEndpoints.Endpoint(
            ids.next("we_"),
            realm.live(),
            body.url(),
            List.copyOf(body.eventTypes()),
            body.description(),
            "enabled",
            null,
            secretKeyId,
            null,
            null,
            null,
            Timestamps.now(clock));
    endpoints.insert(realm, endpoint);
    http.setAttribute(IdempotentReplay.REDACTED_BODY_ATTRIBUTE, EndpointView.of(endpoint, null));
    return EndpointView.of(endpoint, secret(secretKeyId));
  }

  @GetMapping("/v1/webhook-endpoints")
  @RequiresScope(Scope.WEBHOOKS_WRITE)
  @Operation(summary = "List webhook endpoints, newest first (never their secrets)")
  Page<EndpointView> list(
      Realm realm,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return endpoints
        .list(realm, PageRequest.of(limit, startingAfter, "we_"))
        .map(e -> EndpointView.of(e, null));
  }

  @DeleteMapping("/v1/webhook-endpoints/{id}")
  @RequiresScope(Scope.WEBHOOKS_WRITE)
  @Operation(summary = "Delete a webhook endpoint; nothing more is sent to it")
  @Transactional
  EndpointView delete(Realm realm, @PathVariable String id) {
    WebhookEndpoints.Endpoint endpoint = find(realm, id);
    endpoints.setStatus(id, "deleted", "deleted by the tenant");
    return EndpointView.of(endpoints.byId(endpoint.id()).orElseThrow(), null);
  }

  @PostMapping("/v1/webhook-endpoints/{id}/rotate-secret")
  @RequiresScope(Scope.WEBHOOKS_WRITE)
  @Operation(
      summary =
          "Give the endpoint a new secret (shown once); for 24 h deliveries carry signatures by both")
  @Transactional
  EndpointView rotate(Realm realm, @PathVariable String id, HttpServletRequest http) {
    find(realm, id);
    String secretKeyId = keys.generate(KeyPurpose.WEBHOOK_SECRET);
    endpoints.rotate(id, secretKeyId, Timestamps.now(clock).plus(ROTATION_OVERLAP));
    WebhookEndpoints.Endpoint rotated = endpoints.byId(id).orElseThrow();
    http.setAttribute(IdempotentReplay.REDACTED_BODY_ATTRIBUTE, EndpointView.of(rotated, null));
    return EndpointView.of(rotated, secret(secretKeyId));
  }

  /** An event as delivered: {@code data} is the JSON object written with it. */
  record EventView(
      String id, String type, String objectId, Instant createdAt, @JsonRawValue String data) {}

  @GetMapping("/v1/events")
  @RequiresScope(Scope.WEBHOOKS_WRITE)
  @Operation(summary = "Events newest first, to catch up; filter by type and object_id")
  Page<EventView> events(
      Realm realm,
      @RequestParam(required = false) String type,
      @RequestParam(name = "object_id", required = false) String objectId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    PageRequest page = PageRequest.of(limit, startingAfter, "evt_");
    return Page.of(
        jdbc.sql(
                """
                SELECT id, type, object_id, created_at, data::text AS data FROM events
                WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:type AS text) IS NULL OR type = :type)
                  AND (CAST(:object AS text) IS NULL OR object_id = :object)
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("type", type)
            .param("object", objectId)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(WebhookController::event)
            .list(),
        page);
  }

  @GetMapping("/v1/events/{id}")
  @RequiresScope(Scope.WEBHOOKS_WRITE)
  @Operation(summary = "Retrieve an event")
  EventView event(Realm realm, @PathVariable String id) {
    return jdbc.sql(
            """
            SELECT id, type, object_id, created_at, data::text AS data FROM events
            WHERE tenant_id = :tenant AND mode = :mode AND id = :id
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", id)
        .query(WebhookController::event)
        .optional()
        .orElseThrow(() -> Problem.notFound("event", id));
  }

  record Attempt(Instant attemptedAt, Integer statusCode, int latencyMs, String error) {}

  record Delivery(
      String id,
      String endpointId,
      String status,
      int attempts,
      Instant nextAttemptAt,
      Instant deliveredAt,
      List<Attempt> attemptLog) {}

  @GetMapping("/v1/events/{id}/deliveries")
  @RequiresScope(Scope.WEBHOOKS_WRITE)
  @Operation(
      summary = "Every delivery of an event and every attempt: time, status code, latency, error")
  List<Delivery> deliveries(Realm realm, @PathVariable String id) {
    event(realm, id);
    return jdbc.sql("SELECT * FROM webhook_deliveries WHERE event_id = :id ORDER BY id")
        .param("id", id)
        .query(
            (rs, row) ->
                new Delivery(
                    rs.getString("id"),
                    rs.getString("endpoint_id"),
                    rs.getString("status"),
                    rs.getInt("attempts"),
                    Timestamps.instant(rs.getTimestamp("next_attempt_at")),
                    Timestamps.instant(rs.getTimestamp("delivered_at")),
                    attempts(rs.getString("id"))))
        .list();
  }

  @PostMapping("/v1/events/{id}/redeliver")
  @RequiresScope(Scope.WEBHOOKS_WRITE)
  @Operation(
      summary = "Send an event again now to every endpoint it was delivered to (or failed at)")
  @Transactional
  List<Delivery> redeliver(Realm realm, @PathVariable String id) {
    event(realm, id);
    jdbc.sql(
            """
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = :now
            WHERE event_id = :id
              AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE status = 'enabled')
            """)
        .param("now", Timestamps.sql(Timestamps.now(clock)))
        .param("id", id)
        .update();
    return deliveries(realm, id);
  }

  private List<Attempt> attempts(String deliveryId) {
    return jdbc.sql("SELECT * FROM webhook_attempts WHERE delivery_id = :id ORDER BY id")
        .param("id", deliveryId)
        .query(
            (rs, row) -> {
              Integer status = rs.getObject("status_code", Integer.class);
              return new Attempt(
                  Timestamps.instant(rs.getTimestamp("attempted_at")),
                  status,
                  rs.getInt("latency_ms"),
                  rs.getString("error"));
            })
        .list();
  }

  private static EventView event(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    return new EventView(
        rs.getString("id"),
        rs.getString("type"),
        rs.getString("object_id"),
        Timestamps.instant(rs.getTimestamp("created_at")),
        rs.getString("data"));
  }

  private WebhookEndpoints.Endpoint find(Realm realm, String id) {
    return endpoints.find(realm, id).orElseThrow(() -> Problem.notFound("webhook endpoint", id));
  }

  private String secret(String keyId) {
    return "whsec_" + Base64.getEncoder().encodeToString(keys.material(keyId));
  }
}
