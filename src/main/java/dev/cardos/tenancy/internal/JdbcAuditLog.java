package dev.cardos.tenancy.internal;

import dev.cardos.shared.Ids;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.AuditLog;
import java.time.Clock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The audit log as rows of {@code audit_log}, which a trigger keeps append-only. */
@Component
class JdbcAuditLog implements AuditLog {

  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;

  JdbcAuditLog(JdbcClient jdbc, Ids ids, Clock clock) {
    this.jdbc = jdbc;
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public void record(AuditRecord r) {
    jdbc.sql(
            """
            INSERT INTO audit_log (id, occurred_at, actor_key_id, tenant_id, mode, action,
                                   object_id, outcome, source_ip, request_id)
            VALUES (:id, :at, :actor, :tenant, :mode, :action, :object, :outcome, :ip, :req)
            """)
        .param("id", ids.next("aud_"))
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .param("actor", r.actorKeyId())
        .param("tenant", r.tenantId())
        .param("mode", r.mode() == null ? null : r.mode().wire())
        .param("action", r.action())
        .param("object", r.objectId())
        .param("outcome", r.outcome())
        .param("ip", r.sourceIp())
        .param("req", r.requestId())
        .update();
  }
}
