/**
 * The conventions every endpoint inherits (SPEC §8): one transaction per write with its idempotency
 * record and audit entry, per-key rate limits, request ids and a request log that never holds
 * headers or bodies, RFC 9457 problems, snake_case JSON that rejects unknown fields, and the
 * OpenAPI document.
 */
package dev.cardos.api;
