package dev.cardos.ledger;

/** What became of a posting: posted whole, or refused with nothing written. */
public sealed interface PostingResult {

  record Posted(String postingId) implements PostingResult {}

  /** An account would have gone below its allowed available balance. */
  record InsufficientFunds(String accountId, long availableMinor, long requiredMinor)
      implements PostingResult {}
}
