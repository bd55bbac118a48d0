/**
 * Funding: the tenant-facing side of the ledger. Accounts over HTTP, deposits by rail, transfers
 * between accounts and between cardholders, fee rules, FX rates and deposit addresses. Every money
 * movement posts through {@link dev.cardos.ledger.Ledger} and appends its events in the same
 * transaction.
 */
package dev.cardos.funding;
