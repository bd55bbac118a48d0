package dev.cardos.dashboard.internal;

import java.time.Instant;

/** A person who signs in to the dashboard, in one tenant, with one role. Never their password. */
public record DashboardUser(
    String id,
    String tenantId,
    String email,
    String name,
    Role role,
    boolean totpEnabled,
    int failedAttempts,
    Instant lockedUntil,
    Instant disabledAt,
    Instant createdAt) {

  public boolean disabled() {
    return disabledAt != null;
  }

  boolean can(Permission permission) {
    return role.allows(permission);
  }

  boolean lockedAt(Instant now) {
    return lockedUntil != null && lockedUntil.isAfter(now);
  }
}
