package dev.cardos.ledger;

/** What became of an operation on a hold. A repeated operation id answers {@code Done} again. */
public sealed interface HoldResult {

  /** The operation took effect (or had already, under the same operation id). */
  record Done(Hold hold, String postingId) implements HoldResult {}

  /** The account's available balance does not cover the amount; nothing changed. */
  record InsufficientFunds(long availableMinor) implements HoldResult {}

  /** No such hold in this realm. */
  record NotFound() implements HoldResult {}

  /** The hold is no longer active (released, captured or expired); nothing changed. */
  record NotActive(Hold hold) implements HoldResult {}
}
