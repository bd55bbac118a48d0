package dev.cardos.tenancy.internal;

import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Scope;
import java.time.Instant;
import java.util.Set;

/**
 * A stored API key, without its secret: only the secret's hash and last four characters are kept.
 * An operator key has no tenant, mode or scopes.
 */
record ApiKey(
    String id,
    String role,
    String tenantId,
    Mode mode,
    String name,
    Set<Scope> scopes,
    String secretLast4,
    Integer rateLimitPerSecond,
    Instant createdAt,
    Instant revokedAt) {

  boolean operator() {
    return "operator".equals(role);
  }

  boolean network() {
    return "network".equals(role);
  }

  boolean revoked() {
    return revokedAt != null;
  }
}
