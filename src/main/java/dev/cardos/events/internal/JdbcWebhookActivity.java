package dev.cardos.events.internal;

import dev.cardos.events.WebhookActivity;
import dev.cardos.shared.Problem;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@link WebhookActivity} in PostgreSQL, every query filtered by the realm. */
@Repository
class JdbcWebhookActivity implements WebhookActivity {

  private static final int LIMIT_MAX = 200;

  private final JdbcClient jdbc;
  private final Clock clock;

  JdbcWebhookActivity(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Override
  public List<Endpoint> endpoints(Realm realm) {
    return jdbc.sql(
            """
            SELECT id, url, event_types, status, disabled_reason, created_at FROM webhook_endpoints
            WHERE tenant_id = :tenant AND mode = :mode AND status <> 'deleted'
            ORDER BY id DESC LIMIT 100
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .query(
            (rs, row) ->
                new Endpoint(
                    rs.getString("id"),
                    rs.getString("url"),
                    strings(rs.getArray("event_types")),
                    rs.getString("status"),
                    rs.getString("disabled_reason"),
                    Timestamps.instant(rs.getTimestamp("created_at"))))
        .list();
  }

  @Override
  public List<Delivery> recentDeliveries(Realm realm, int limitMax) {
    return jdbc.sql(
            """
            SELECT d.id, d.event_id, e.type, d.endpoint_id, w.url, d.status, d.attempts,
                   d.next_attempt_at, d.delivered_at, d.created_at,
                   a.status_code AS last_status_code, a.error AS last_error
            FROM webhook_deliveries d
            JOIN events e ON e.id = d.event_id
            JOIN webhook_endpoints w ON w.id = d.endpoint_id
            LEFT JOIN LATERAL (SELECT status_code, error FROM webhook_attempts
                               WHERE delivery_id = d.id ORDER BY id DESC LIMIT 1) a ON true
            WHERE e.tenant_id = :tenant AND e.mode = :mode
            ORDER BY d.id DESC LIMIT :n
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("n", Math.clamp(limitMax, 1, LIMIT_MAX))
        .query(
            (rs, row) ->
                new Delivery(
                    rs.getString("id"),
                    rs.getString("event_id"),
                    rs.getString("type"),
                    rs.getString("endpoint_id"),
                    rs.getString("url"),
                    rs.getString("status"),
                    rs.getInt("attempts"),
                    rs.getObject("last_status_code", Integer.class),
                    rs.getString("last_error"),
                    Timestamps.instant(rs.getTimestamp("next_attempt_at")),
                    Timestamps.instant(rs.getTimestamp("delivered_at")),
                    Timestamps.instant(rs.getTimestamp("created_at"))))
        .list();
  }

  @Override
  public int redeliver(Realm realm, String eventId) {
    boolean ours =
        jdbc.sql(
                "SELECT EXISTS (SELECT 1 FROM events WHERE tenant_id = :t AND mode = :m AND id = :id)")
            .param("t", realm.tenantId())
            .param("m", realm.mode().wire())
            .param("id", eventId)
            .query(Boolean.class)
            .single();
    if (!ours) {
      throw Problem.notFound("event", eventId);
    }
    // The same statement as WebhookController.redeliver: the dispatcher picks the rows up.
    return jdbc.sql(
            """
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = :now
            WHERE event_id = :id
              AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE status = 'enabled')
            """)
        .param("now", Timestamps.sql(Timestamps.now(clock)))
        .param("id", eventId)
        .update();
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
