package dev.cardos.ledger;

import java.time.Instant;

/**
 * One immutable line of an account's statement: {@code amountMinor} (positive in, negative out) and
 * the ledger balance right after it.
 */
public record Entry(
    String id,
    String postingId,
    String postingKind,
    String referenceId,
    String accountId,
    String currency,
    long amountMinor,
    long balanceAfterMinor,
    Instant createdAt) {}
