package dev.cardos.tenancy;

import java.util.Objects;

/**
 * The world a tenant request acts in: one tenant, one mode. Every repository method that reads or
 * writes tenant data takes a {@code Realm}, and the only way to obtain one is from an authenticated
 * tenant key, so no handler can forget to scope its queries.
 */
public record Realm(String tenantId, Mode mode) {

  public Realm {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(mode, "mode");
  }

  public boolean live() {
    return mode == Mode.LIVE;
  }
}
