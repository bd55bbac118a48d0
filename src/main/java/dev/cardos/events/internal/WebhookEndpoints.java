package dev.cardos.events.internal;

import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Webhook endpoints in PostgreSQL; their secrets live wrapped in the key store. */
@Repository
class WebhookEndpoints {

  /** An endpoint as stored: the secrets are key ids, never the secrets. */
  record Endpoint(
      String id,
      boolean livemode,
      String url,
      List<String> eventTypes,
      String description,
      String status,
      String disabledReason,
      String secretKeyId,
      String previousSecretKeyId,
      Instant previousSecretUntil,
      Instant failingSince,
      Instant createdAt) {}

  private final JdbcClient jdbc;

  WebhookEndpoints(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(Realm realm, Endpoint e) {
    jdbc.sql(
            """
            INSERT INTO webhook_endpoints (id, tenant_id, mode, url, event_types, description,
                status, secret_key_id, created_at, updated_at)
            VALUES (:id, :tenant, :mode, :url, string_to_array(:types, ','), :description,
                'enabled', :secret, :at, :at)
            """)
        .param("id", e.id())
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("url", e.url())
        .param("types", String.join(",", e.eventTypes()))
        .param("description", e.description())
        .param("secret", e.secretKeyId())
        .param("at", Timestamps.sql(e.createdAt()))
        .update();
  }

  Optional<Endpoint> find(Realm realm, String id) {
    return jdbc.sql(
            """
            SELECT * FROM webhook_endpoints
            WHERE tenant_id = :tenant AND mode = :mode AND id = :id AND status <> 'deleted'
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", id)
        .query(WebhookEndpoints::map)
        .optional();
  }

  Optional<Endpoint> byId(String id) {
    return jdbc.sql("SELECT * FROM webhook_endpoints WHERE id = :id")
        .param("id", id)
        .query(WebhookEndpoints::map)
        .optional();
  }

  /** The endpoints with these ids, by id: one statement for a batch of deliveries. */
  Map<String, Endpoint> byIds(List<String> ids) {
    Map<String, Endpoint> byId = new HashMap<>();
    jdbc.sql("SELECT * FROM webhook_endpoints WHERE id = ANY (CAST(:ids AS text[]))")
        .param("ids", ids.toArray(String[]::new))
        .query(WebhookEndpoints::map)
        .list()
        .forEach(e -> byId.put(e.id(), e));
    return byId;
  }

  Page<Endpoint> list(Realm realm, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM webhook_endpoints
                WHERE tenant_id = :tenant AND mode = :mode AND status <> 'deleted'
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(WebhookEndpoints::map)
            .list(),
        page);
  }

  void setStatus(String id, String status, String reason) {
    jdbc.sql(
            """
            UPDATE webhook_endpoints SET status = :status, disabled_reason = :reason,
                                         updated_at = now()
            WHERE id = :id
            """)
        .param("status", status)
        .param("reason", reason)
        .param("id", id)
        .update();
  }

  void rotate(String id, String newSecretKeyId, Instant previousUntil) {
    jdbc.sql(
            """
            UPDATE webhook_endpoints
            SET previous_secret_key_id = secret_key_id, previous_secret_until = :until,
                secret_key_id = :secret, updated_at = now()
            WHERE id = :id
            """)
        .param("until", Timestamps.sql(previousUntil))
        .param("secret", newSecretKeyId)
        .param("id", id)
        .update();
  }

  /**
   * A delivery to each of these endpoints succeeded: their failing streaks end. Endpoints not
   * failing are not written (nor locked): a busy endpoint succeeds hundreds of times a second.
   */
  void succeeded(List<String> ids) {
    jdbc.sql(
            """
            UPDATE webhook_endpoints SET failing_since = NULL
            WHERE id = ANY (CAST(:ids AS text[])) AND failing_since IS NOT NULL
            """)
        .param("ids", ids.toArray(String[]::new))
        .update();
  }

  /** A delivery to the endpoint failed: its failing streak starts, unless it has already. */
  void failed(String id, Instant at) {
    jdbc.sql(
            """
            UPDATE webhook_endpoints SET failing_since = :at
            WHERE id = :id AND failing_since IS NULL
            """)
        .param("id", id)
        .param("at", Timestamps.sql(at))
        .update();
  }

  private static Endpoint map(ResultSet rs, int row) throws SQLException {
    return new Endpoint(
        rs.getString("id"),
        "live".equals(rs.getString("mode")),
        rs.getString("url"),
        Arrays.asList((String[]) rs.getArray("event_types").getArray()),
        rs.getString("description"),
        rs.getString("status"),
        rs.getString("disabled_reason"),
        rs.getString("secret_key_id"),
        rs.getString("previous_secret_key_id"),
        Timestamps.instant(rs.getTimestamp("previous_secret_until")),
        Timestamps.instant(rs.getTimestamp("failing_since")),
        Timestamps.instant(rs.getTimestamp("created_at")));
  }
}
