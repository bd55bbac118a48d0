package dev.cardos.ledger;

import java.util.List;

/**
 * A balanced set of legs to post at once. {@code kind} says why money moved ({@code deposit},
 * {@code transfer}, {@code fee}, {@code capture}...), {@code referenceId} which object moved it.
 */
public record PostingRequest(String kind, String description, String referenceId, List<Leg> legs) {

  public PostingRequest {
    legs = List.copyOf(legs);
    if (legs.isEmpty()) {
      throw new IllegalArgumentException("a posting needs legs");
    }
  }
}
