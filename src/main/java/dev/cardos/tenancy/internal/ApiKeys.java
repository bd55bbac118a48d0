package dev.cardos.tenancy.internal;

import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Scope;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The api_keys table: key metadata and the SHA-256 of each secret, never the secret. */
@Repository
class ApiKeys {

  private final JdbcClient jdbc;

  ApiKeys(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(ApiKey key, byte[] secretHash) {
    jdbc.sql(
            """
            INSERT INTO api_keys (id, role, tenant_id, mode, name, scopes, secret_hash,
                                  secret_last4, rate_limit_per_second, created_at)
            VALUES (:id, :role, :tenant, :mode, :name, string_to_array(:scopes, ','), :hash,
                    :last4, :rate, :at)
            """)
        .param("id", key.id())
        .param("role", key.role())
        .param("tenant", key.tenantId())
        .param("mode", key.mode() == null ? null : key.mode().wire())
        .param("name", key.name())
        .param(
            "scopes",
            key.scopes().stream().map(Scope::wire).sorted().collect(Collectors.joining(",")))
        .param("hash", secretHash)
        .param("last4", key.secretLast4())
        .param("rate", key.rateLimitPerSecond())
        .param("at", Timestamps.sql(key.createdAt()))
        .update();
  }

  Optional<ApiKey> findBySecretHash(byte[] hash) {
    return jdbc.sql("SELECT * FROM api_keys WHERE secret_hash = :hash")
        .param("hash", hash)
        .query(ApiKeys::map)
        .optional();
  }

  boolean anyActiveOperatorKey() {
    return jdbc.sql(
            "SELECT EXISTS (SELECT 1 FROM api_keys WHERE role = 'operator' AND revoked_at IS NULL)")
        .query(Boolean.class)
        .single();
  }

  Optional<ApiKey> findForTenant(String tenantId, String keyId) {
    return jdbc.sql("SELECT * FROM api_keys WHERE tenant_id = :tenant AND id = :id")
        .param("tenant", tenantId)
        .param("id", keyId)
        .query(ApiKeys::map)
        .optional();
  }

  Page<ApiKey> listForTenant(String tenantId, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM api_keys
                WHERE tenant_id = :tenant AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", tenantId)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(ApiKeys::map)
            .list(),
        page);
  }

  /** Marks the key revoked if it is not already; returns the key as it now stands. */
  Optional<ApiKey> revoke(String tenantId, String keyId, Instant at) {
    jdbc.sql(
            """
            UPDATE api_keys SET revoked_at = :at
            WHERE tenant_id = :tenant AND id = :id AND revoked_at IS NULL
            """)
        .param("at", Timestamps.sql(at))
        .param("tenant", tenantId)
        .param("id", keyId)
        .update();
    return findForTenant(tenantId, keyId);
  }

  private static ApiKey map(ResultSet rs, int row) throws SQLException {
    String mode = rs.getString("mode");
    int rate = rs.getInt("rate_limit_per_second");
    Integer rateLimitPerSecond = rs.wasNull() ? null : rate;
    Array scopes = rs.getArray("scopes");
    Set<Scope> scopeSet = EnumSet.noneOf(Scope.class);
    Arrays.stream((String[]) scopes.getArray())
        .map(Scope::fromWire)
        .flatMap(Optional::stream)
        .forEach(scopeSet::add);
    return new ApiKey(
        rs.getString("id"),
        rs.getString("role"),
        rs.getString("tenant_id"),
        mode == null ? null : Mode.fromWire(mode),
        rs.getString("name"),
        scopeSet,
        rs.getString("secret_last4"),
        rateLimitPerSecond,
        Timestamps.instant(rs.getTimestamp("created_at")),
        Timestamps.instant(rs.getTimestamp("revoked_at")));
  }
}
