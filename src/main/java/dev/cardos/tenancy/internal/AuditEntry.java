package dev.cardos.tenancy.internal;

import java.time.Instant;

/** One row of the audit log, as the operator reads it. */
record AuditEntry(
    String id,
    Instant occurredAt,
    String actorKeyId,
    String tenantId,
    String mode,
    String action,
    String objectId,
    int outcome,
    String sourceIp,
    String requestId) {}
