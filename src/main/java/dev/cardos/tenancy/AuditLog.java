package dev.cardos.tenancy;

/**
 * The append-only record of every operator and tenant write and every access to sensitive data: who
 * (key id), what, which object, when, from where, with what outcome. Rows are never updated or
 * deleted; the database refuses it.
 */
public interface AuditLog {

  /** Appends one record in the caller's transaction, if there is one. */
  void record(AuditRecord record);

  /**
   * One audited action.
   *
   * @param actorKeyId the API key that acted, or null if the request was not authenticated
   * @param tenantId the tenant whose data was touched, or null for operator-wide actions
   * @param mode the mode of the tenant data, or null
   * @param action what was done, as method and route ({@code POST /v1/cardholders})
   * @param objectId the object acted on, when known
   * @param outcome the HTTP status answered
   * @param sourceIp the client address
   * @param requestId the request id, to join with logs
   */
  record AuditRecord(
      String actorKeyId,
      String tenantId,
      Mode mode,
      String action,
      String objectId,
      int outcome,
      String sourceIp,
      String requestId) {

    public AuditRecord withOutcome(int status) {
      return new AuditRecord(
          actorKeyId, tenantId, mode, action, objectId, status, sourceIp, requestId);
    }
  }
}
