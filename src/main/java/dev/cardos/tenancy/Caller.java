package dev.cardos.tenancy;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.Set;

/** The authenticated API key behind a request: the operator's, or a tenant's in one realm. */
public sealed interface Caller {

  /** Id of the API key ({@code key_...}); recorded as the actor in the audit log. */
  String keyId();

  /** Requests per second this key may make. */
  int rateLimitPerSecond();

  /** The operator, who runs CardOS: sponsors, BIN ranges, programs, tenants and keys. */
  record Operator(String keyId, int rateLimitPerSecond) implements Caller {}

  /** The card network (or the sponsor's processor) sending authorizations and clearings. */
  record Network(String keyId, int rateLimitPerSecond) implements Caller {}

  /** A tenant's secret key, bound to one mode and a set of scopes. */
  record TenantKey(String keyId, Realm realm, Set<Scope> scopes, int rateLimitPerSecond)
      implements Caller {
    public TenantKey {
      scopes = Set.copyOf(scopes);
    }
  }

  /** The caller that authentication attached to this request, if any. */
  static Optional<Caller> of(HttpServletRequest request) {
    return Optional.ofNullable((Caller) request.getAttribute(ATTRIBUTE));
  }

  /** Request attribute under which the authenticated caller is kept. */
  String ATTRIBUTE = Caller.class.getName();
}
