package dev.cardos.cards;

/**
 * The card state machine of SPEC §4 as a pure function: for a status and an action, the status the
 * card moves to, or a refusal. Every pair is decided here and nowhere else; the switch has no
 * default, so a new status or action does not compile until it is placed in the table.
 */
public final class CardLifecycle {

  private CardLifecycle() {}

  /** The outcome of an action on a card in a status. */
  public sealed interface Transition {
    /** The action is allowed and leaves the card in {@code to}. */
    record Allowed(CardStatus to) implements Transition {}

    /** The action is not allowed in {@code from}. */
    record Refused(CardStatus from, CardAction action) implements Transition {}
  }

  public static Transition apply(CardStatus from, CardAction action) {
    CardStatus to =
        switch (action) {
          case ACTIVATE -> from == CardStatus.PENDING ? CardStatus.ACTIVE : null;
          case FREEZE -> from == CardStatus.ACTIVE ? CardStatus.FROZEN : null;
          case UNFREEZE -> from == CardStatus.FROZEN ? CardStatus.ACTIVE : null;
          case BLOCK ->
              from == CardStatus.ACTIVE || from == CardStatus.FROZEN ? CardStatus.BLOCKED : null;
          case TERMINATE -> from == CardStatus.TERMINATED ? null : CardStatus.TERMINATED;
          case EXPIRE ->
              from == CardStatus.ACTIVE || from == CardStatus.FROZEN ? CardStatus.EXPIRED : null;
          case APPROVE -> from == CardStatus.UNDER_REVIEW ? CardStatus.ACTIVE : null;
          case REJECT -> from == CardStatus.UNDER_REVIEW ? CardStatus.TERMINATED : null;
          // The old card of a reissue ends terminated; the new one starts active or pending.
          case REISSUE ->
              switch (from) {
                case ACTIVE, FROZEN, BLOCKED, EXPIRED -> CardStatus.TERMINATED;
                case PENDING, TERMINATED, FAILED, UNDER_REVIEW -> null;
              };
        };
    return to == null ? new Transition.Refused(from, action) : new Transition.Allowed(to);
  }
}
