package dev.cardos.dashboard.internal;

import dev.cardos.tenancy.Scope;

/**
 * What a dashboard user may do, each with the API scope a key would need for the same action: a
 * dashboard role is a named set of these, so a role can never do more than a key with its scopes.
 */
enum Permission {
  VIEW_CARDS(Scope.CARDS_READ),
  VIEW_TRANSACTIONS(Scope.TRANSACTIONS_READ),
  VIEW_FUNDS(Scope.FUNDS_READ),
  REVEAL_CARDS(Scope.CARDS_REVEAL),
  FREEZE_CARDS(Scope.CONTROLS_WRITE),
  BLOCK_CARDS(Scope.CARDS_WRITE),
  ISSUE_CARDS(Scope.CARDS_WRITE),
  CHANGE_LIMITS(Scope.CONTROLS_WRITE),
  FUND_CARDS(Scope.FUNDS_WRITE),
  HANDLE_DISPUTES(Scope.DISPUTES_WRITE),
  MANAGE_WEBHOOKS(Scope.WEBHOOKS_WRITE),
  MANAGE_USERS(null);

  private final Scope apiScope;

  Permission(Scope apiScope) {
    this.apiScope = apiScope;
  }

  /** The API scope of the same action, or null for what only the dashboard does (users). */
  Scope apiScope() {
    return apiScope;
  }
}
