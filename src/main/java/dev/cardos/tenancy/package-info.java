/**
 * Tenants, API keys, scopes and the audit log: who is calling, in which world (tenant and mode),
 * and what they may do. Every {@code /v1} request is authenticated here before any handler runs.
 */
package dev.cardos.tenancy;
