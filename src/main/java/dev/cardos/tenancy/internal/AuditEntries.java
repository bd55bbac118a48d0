package dev.cardos.tenancy.internal;

import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Timestamps;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads the audit log, newest first. */
@Repository
class AuditEntries {

  private final JdbcClient jdbc;

  AuditEntries(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Page<AuditEntry> list(String tenantId, String actorKeyId, String objectId, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM audit_log
                WHERE (CAST(:tenant AS text) IS NULL OR tenant_id = :tenant)
                  AND (CAST(:actor AS text) IS NULL OR actor_key_id = :actor)
                  AND (CAST(:object AS text) IS NULL OR object_id = :object)
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", tenantId)
            .param("actor", actorKeyId)
            .param("object", objectId)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(
                (rs, row) ->
                    new AuditEntry(
                        rs.getString("id"),
                        Timestamps.instant(rs.getTimestamp("occurred_at")),
                        rs.getString("actor_key_id"),
                        rs.getString("tenant_id"),
                        rs.getString("mode"),
                        rs.getString("action"),
                        rs.getString("object_id"),
                        rs.getInt("outcome"),
                        rs.getString("source_ip"),
                        rs.getString("request_id")))
            .list(),
        page);
  }
}
