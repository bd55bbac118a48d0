package dev.cardos.dashboard.internal;

import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The dashboard user behind a request, the session they are in and the CSRF token their forms
 * carry. The realm is the user's tenant in the mode the session shows: every read and write of a
 * dashboard page takes it, so a page can never show another tenant's data.
 */
public record SignedIn(DashboardUser user, DashboardSessions.Session session, String csrfToken) {

  static final String ATTRIBUTE = SignedIn.class.getName();

  public Realm realm() {
    return new Realm(user.tenantId(), session.mode());
  }

  public Mode mode() {
    return session.mode();
  }

  boolean can(Permission permission) {
    return user.can(permission);
  }

  /** For templates: whether the user's role allows the named {@link Permission}. */
  public boolean can(String permission) {
    return user.can(Permission.valueOf(permission));
  }

  /** Refuses the action with a 403 unless the user's role allows it. */
  void require(Permission permission) {
    if (!can(permission)) {
      throw new Problem(
          ProblemCode.SCOPE_MISSING,
          "Your role (" + user.role().wire() + ") does not allow this action");
    }
  }

  static SignedIn of(HttpServletRequest request) {
    SignedIn signedIn = (SignedIn) request.getAttribute(ATTRIBUTE);
    if (signedIn == null) {
      throw new IllegalStateException("A dashboard page ran without a signed-in user");
    }
    return signedIn;
  }
}
