package dev.cardos.dashboard.internal;

import static dev.cardos.dashboard.internal.Permission.*;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A dashboard user's role. Viewers read and never reveal; support freezes, blocks and handles
 * disputes and webhooks; finance funds, issues and changes limits; admins do everything, including
 * creating users and revealing card details where the program allows.
 */
public enum Role {
  ADMIN(EnumSet.allOf(Permission.class)),
  FINANCE(
      EnumSet.of(
          VIEW_CARDS, VIEW_TRANSACTIONS, VIEW_FUNDS, ISSUE_CARDS, CHANGE_LIMITS, FUND_CARDS)),
  SUPPORT(
      EnumSet.of(
          VIEW_CARDS,
          VIEW_TRANSACTIONS,
          VIEW_FUNDS,
          FREEZE_CARDS,
          BLOCK_CARDS,
          HANDLE_DISPUTES,
          MANAGE_WEBHOOKS)),
  VIEWER(EnumSet.of(VIEW_CARDS, VIEW_TRANSACTIONS, VIEW_FUNDS));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = Set.copyOf(permissions);
  }

  boolean allows(Permission permission) {
    return permissions.contains(permission);
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Role fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
