package dev.cardos.dashboard.internal;

import dev.cardos.shared.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Dashboard users in PostgreSQL; reads of users are always within their tenant. */
@Repository
class DashboardUsers {

  private final JdbcClient jdbc;

  DashboardUsers(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A user with the secrets needed to check a sign-in: never leaves this package. */
  record Credentials(DashboardUser user, String passwordHash, String totpKeyId) {
    @Override
    public String toString() {
      return "Credentials[" + user.id() + "]";
    }
  }

  boolean emailTaken(String email) {
    return jdbc.sql("SELECT EXISTS (SELECT 1 FROM dashboard_users WHERE lower(email) = lower(:e))")
        .param("e", email)
        .query(Boolean.class)
        .single();
  }

  void insert(DashboardUser u, String passwordHash, String createdBy) {
    jdbc.sql(
            """
            INSERT INTO dashboard_users (id, tenant_id, email, name, role, password_hash,
                created_by, created_at, updated_at)
            VALUES (:id, :tenant, :email, :name, :role, :hash, :by, :at, :at)
            """)
        .param("id", u.id())
        .param("tenant", u.tenantId())
        .param("email", u.email())
        .param("name", u.name())
        .param("role", u.role().wire())
        .param("hash", passwordHash)
        .param("by", createdBy)
        .param("at", Timestamps.sql(u.createdAt()))
        .update();
  }

  /** The user signing in with this email, locked for the rest of the sign-in's transaction. */
  Optional<Credentials> lockByEmail(String email) {
    return jdbc.sql("SELECT * FROM dashboard_users WHERE lower(email) = lower(:e) FOR UPDATE")
        .param("e", email)
        .query(
            (rs, row) ->
                new Credentials(
                    map(rs, row), rs.getString("password_hash"), rs.getString("totp_key_id")))
        .optional();
  }

  Optional<DashboardUser> find(String userId) {
    return jdbc.sql("SELECT * FROM dashboard_users WHERE id = :id")
        .param("id", userId)
        .query(DashboardUsers::map)
        .optional();
  }

  Optional<DashboardUser> find(String tenantId, String userId) {
    return jdbc.sql("SELECT * FROM dashboard_users WHERE tenant_id = :t AND id = :id")
        .param("t", tenantId)
        .param("id", userId)
        .query(DashboardUsers::map)
        .optional();
  }

  List<DashboardUser> list(String tenantId) {
    return jdbc.sql("SELECT * FROM dashboard_users WHERE tenant_id = :t ORDER BY id DESC LIMIT 500")
        .param("t", tenantId)
        .query(DashboardUsers::map)
        .list();
  }

  void failed(String userId, int failedAttempts, Instant lockedUntil, Instant now) {
    jdbc.sql(
            """
            UPDATE dashboard_users SET failed_attempts = :n, locked_until = :until, updated_at = :now
            WHERE id = :id
            """)
        .param("n", failedAttempts)
        .param("until", Timestamps.sql(lockedUntil))
        .param("now", Timestamps.sql(now))
        .param("id", userId)
        .update();
  }

  void succeeded(String userId, Instant now) {
    jdbc.sql(
            """
            UPDATE dashboard_users SET failed_attempts = 0, locked_until = NULL, updated_at = :now
            WHERE id = :id
            """)
        .param("now", Timestamps.sql(now))
        .param("id", userId)
        .update();
  }

  Optional<String> passwordHash(String userId) {
    return jdbc.sql("SELECT password_hash FROM dashboard_users WHERE id = :id FOR UPDATE")
        .param("id", userId)
        .query(String.class)
        .optional();
  }

  void setPasswordHash(String userId, String hash, Instant now) {
    jdbc.sql("UPDATE dashboard_users SET password_hash = :h, updated_at = :now WHERE id = :id")
        .param("h", hash)
        .param("now", Timestamps.sql(now))
        .param("id", userId)
        .update();
  }

  void disable(String userId, Instant now) {
    jdbc.sql(
            """
            UPDATE dashboard_users SET disabled_at = :now, updated_at = :now
            WHERE id = :id AND disabled_at IS NULL
            """)
        .param("now", Timestamps.sql(now))
        .param("id", userId)
        .update();
  }

  void setTotpKey(String userId, String keyId, Instant now) {
    jdbc.sql("UPDATE dashboard_users SET totp_key_id = :k, updated_at = :now WHERE id = :id")
        .param("k", keyId)
        .param("now", Timestamps.sql(now))
        .param("id", userId)
        .update();
  }

  void recordAttempt(String id, String userId, String failure, String sourceIp, Instant at) {
    jdbc.sql(
            """
            INSERT INTO dashboard_login_attempts (id, user_id, succeeded, failure, source_ip,
                occurred_at)
            VALUES (:id, :user, :ok, :failure, :ip, :at)
            """)
        .param("id", id)
        .param("user", userId)
        .param("ok", failure == null)
        .param("failure", failure)
        .param("ip", sourceIp)
        .param("at", Timestamps.sql(at))
        .update();
  }

  private static DashboardUser map(ResultSet rs, int row) throws SQLException {
    return new DashboardUser(
        rs.getString("id"),
        rs.getString("tenant_id"),
        rs.getString("email"),
        rs.getString("name"),
        Role.fromWire(rs.getString("role")),
        rs.getString("totp_key_id") != null,
        rs.getInt("failed_attempts"),
        Timestamps.instant(rs.getTimestamp("locked_until")),
        Timestamps.instant(rs.getTimestamp("disabled_at")),
        Timestamps.instant(rs.getTimestamp("created_at")));
  }
}
