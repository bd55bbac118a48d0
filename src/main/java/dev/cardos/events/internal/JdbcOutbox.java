package dev.cardos.events.internal;

import dev.cardos.events.EventType;
import dev.cardos.events.Outbox;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/** The outbox as rows of {@code events}, serialized with the API's JSON conventions. */
@Component
class JdbcOutbox implements Outbox {

  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;
  private final JsonMapper json;
  private final DeliverySignal signal;

  JdbcOutbox(JdbcClient jdbc, Ids ids, Clock clock, JsonMapper json, DeliverySignal signal) {
    this.jdbc = jdbc;
    this.ids = ids;
    this.clock = clock;
    this.json = json;
    this.signal = signal;
  }

  @Override
  public String append(Realm realm, EventType type, String objectId, Object data) {
    return appendAll(List.of(new Event(realm, type, objectId, data))).getFirst();
  }

  @Override
  public List<String> appendAll(List<Event> events) {
    int n = events.size();
    String[][] columns = new String[6][n];
    String at = Timestamps.now(clock).toString();
    for (int i = 0; i < n; i++) {
      Event e = events.get(i);
      columns[0][i] = ids.next("evt_");
      columns[1][i] = e.realm().tenantId();
      columns[2][i] = e.realm().mode().wire();
      columns[3][i] = e.type().wire();
      columns[4][i] = e.objectId();
      columns[5][i] = json.writeValueAsString(e.data());
    }
    // Events and their deliveries in one statement: they exist together or not at all.
    int deliveries =
        jdbc.sql(
                """
            WITH event AS (
                INSERT INTO events (id, tenant_id, mode, type, object_id, data, created_at)
                SELECT id, tenant, mode, type, object, CAST(data AS json), CAST(? AS timestamptz)
                FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                            CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                     AS r(id, tenant, mode, type, object, data)
                RETURNING id, tenant_id, mode, type, created_at)
            INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, next_attempt_at,
                                            created_at)
            SELECT 'wd_' || event.id || '_' || e.id, event.id, e.id, 'pending', event.created_at,
                   event.created_at
            FROM event JOIN webhook_endpoints e
                 ON e.tenant_id = event.tenant_id AND e.mode = event.mode
                    AND e.status = 'enabled'
                    AND ('*' = ANY (e.event_types) OR event.type = ANY (e.event_types))
            """)
            .params(at, columns[0], columns[1], columns[2], columns[3], columns[4], columns[5])
            .update();
    if (deliveries > 0) {
      // The dispatcher can see them once they are committed, not before.
      if (TransactionSynchronizationManager.isSynchronizationActive()) {
        TransactionSynchronizationManager.registerSynchronization(
            new TransactionSynchronization() {
              @Override
              public void afterCommit() {
                signal.raise();
              }
            });
      } else {
        signal.raise();
      }
    }
    return List.of(columns[0]);
  }
}
