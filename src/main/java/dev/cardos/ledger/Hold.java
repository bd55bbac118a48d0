package dev.cardos.ledger;

import java.time.Instant;

/**
 * Money reserved on an account by an approved authorization. {@code amountMinor} is what is still
 * held; it falls to zero when the hold is released, captured or expired.
 */
public record Hold(
    String id,
    String accountId,
    String currency,
    long amountMinor,
    long originalAmountMinor,
    long capturedAmountMinor,
    HoldStatus status,
    Instant expiresAt) {}
