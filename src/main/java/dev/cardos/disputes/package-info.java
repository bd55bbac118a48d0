/**
 * Disputes: a cardholder's claim against a settled transaction, from filing to outcome (SPEC §7),
 * with evidence, an optional provisional credit, and the network side simulated in test mode.
 */
package dev.cardos.disputes;
