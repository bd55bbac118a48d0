package dev.cardos.ledger;

import java.time.Instant;
import java.util.Map;

/**
 * An account as of one read: balances in minor units of {@code currency}. {@code ledgerMinor} is
 * the sum of posted entries, {@code heldMinor} the sum of active holds, and available = ledger -
 * held.
 */
public record Account(
    String id,
    boolean livemode,
    AccountKind kind,
    String currency,
    String cardholderId,
    String reference,
    long ledgerMinor,
    long heldMinor,
    Map<String, String> metadata,
    Instant createdAt) {

  public Account {
    metadata = Map.copyOf(metadata);
  }

  public long availableMinor() {
    return Math.subtractExact(ledgerMinor, heldMinor);
  }
}
