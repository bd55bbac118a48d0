package dev.cardos.tenancy.internal;

import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Timestamps;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The tenants table. Only the operator reaches it. */
@Repository
class JdbcTenants implements dev.cardos.tenancy.Tenants {

  private final JdbcClient jdbc;

  JdbcTenants(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(Tenant tenant) {
    jdbc.sql("INSERT INTO tenants (id, name, status, created_at) VALUES (:id, :name, :status, :at)")
        .param("id", tenant.id())
        .param("name", tenant.name())
        .param("status", tenant.status())
        .param("at", Timestamps.sql(tenant.createdAt()))
        .update();
  }

  @Override
  public boolean exists(String tenantId) {
    return find(tenantId).isPresent();
  }

  Optional<Tenant> find(String id) {
    return jdbc.sql("SELECT * FROM tenants WHERE id = :id")
        .param("id", id)
        .query(JdbcTenants::map)
        .optional();
  }

  Page<Tenant> list(PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM tenants
                WHERE (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(JdbcTenants::map)
            .list(),
        page);
  }

  private static Tenant map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    return new Tenant(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("status"),
        Timestamps.instant(rs.getTimestamp("created_at")));
  }
}
