package dev.cardos.tenancy;

/** Tells other modules whether a tenant exists (the operator acts on tenants by id). */
public interface Tenants {

  boolean exists(String tenantId);
}
