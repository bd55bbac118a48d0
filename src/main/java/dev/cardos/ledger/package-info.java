/**
 * The ledger: accounts, double-entry postings, holds and the proof that the books balance. It knows
 * money and accounts only; who owns an account and why money moves belong to its callers. Rows of
 * postings, entries and hold operations are never updated or deleted.
 */
package dev.cardos.ledger;
