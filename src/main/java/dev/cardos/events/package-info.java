/**
 * Events: immutable records of what happened, written to an outbox table in the same transaction as
 * the change they describe. Delivery by webhooks builds on this table (a later issue).
 */
package dev.cardos.events;
