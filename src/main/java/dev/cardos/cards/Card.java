package dev.cardos.cards;

import dev.cardos.programs.CardForm;
import java.time.Instant;
import java.util.Map;

/**
 * A card as other modules and the API see it: never its number (only {@code last4}), never its CVV2
 * or PIN. {@code accountId} is the balance it spends: its own card account (b2c) or the business's
 * funding account (b2b).
 */
public record Card(
    String id,
    boolean livemode,
    String programId,
    String cardholderId,
    String accountId,
    CardForm form,
    CardStatus status,
    String network,
    String last4,
    int expMonth,
    int expYear,
    String label,
    String reference,
    Map<String, String> metadata,
    boolean singleUse,
    boolean pinSet,
    boolean pinLocked,
    Shipping shipping,
    String blockReason,
    String replacesCardId,
    Instant createdAt,
    Instant updatedAt) {

  public Card {
    metadata = Map.copyOf(metadata);
  }

  /** Where a physical card is on its way: {@code created}, {@code shipped}, {@code delivered}. */
  public record Shipping(
      String status,
      String name,
      String line1,
      String line2,
      String city,
      String state,
      String postalCode,
      String country,
      Instant shippedAt,
      Instant deliveredAt) {}
}
