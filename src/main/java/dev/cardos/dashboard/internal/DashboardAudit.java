package dev.cardos.dashboard.internal;

import dev.cardos.shared.ProblemResponses;
import dev.cardos.tenancy.AuditLog;
import dev.cardos.tenancy.Mode;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * Writes dashboard actions to the tenant's audit log, with the dashboard user's id ({@code
 * dbu_...}) as the actor and the action named {@code dashboard <verb>}. Call it inside the action's
 * transaction so that an action and its audit entry commit together.
 */
@Component
class DashboardAudit {

  private final AuditLog audit;

  DashboardAudit(AuditLog audit) {
    this.audit = audit;
  }

  void record(SignedIn who, String action, String objectId, int outcome, HttpServletRequest http) {
    record(who.user().id(), who.user().tenantId(), who.mode(), action, objectId, outcome, http);
  }

  void record(
      String userId,
      String tenantId,
      Mode mode,
      String action,
      String objectId,
      int outcome,
      HttpServletRequest http) {
    audit.record(
        new AuditLog.AuditRecord(
            userId,
            tenantId,
            mode,
            "dashboard " + action,
            objectId,
            outcome,
            http.getRemoteAddr(),
            (String) http.getAttribute(ProblemResponses.REQUEST_ID_ATTRIBUTE)));
  }
}
