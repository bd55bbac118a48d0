package dev.cardos.cards;

import dev.cardos.tenancy.Realm;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What people acting on cards through CardOS's own screens (the dashboard) may do: the same domain
 * code the {@code /v1/cards} endpoints run, with the same validation, transitions and events. Every
 * method acts within one {@link Realm}; a card of another realm is "not found" (a 404 problem).
 * Callers run the writes in their own transaction and audit them.
 */
public interface CardOperations {

  /** Cards matching every given criterion (null or empty matches anything), newest first. */
  List<Card> search(Realm realm, CardQuery query, int limitMax);

  /**
   * Applies a lifecycle action (freeze, unfreeze, block, terminate) through {@link CardLifecycle},
   * recording the transition with {@code actor} and publishing the card event; a 409 problem when
   * the card's status does not allow it.
   */
  Card change(Realm realm, String cardId, CardAction action, String reason, String actor);

  /** Issues a virtual card; its details are never returned here (they stay in the vault). */
  Card issueVirtual(Realm realm, String programId, String cardholderId, String label, String actor);

  /**
   * Moves {@code amountMinor} from the cardholder's wallet onto the card's balance; returns the
   * posting id. A 409 problem when the wallet does not cover it.
   */
  String fund(Realm realm, String cardId, long amountMinor, String currency);

  /**
   * The card's number, CVV2 and expiry, for programs that reveal on demand (a 409 problem
   * otherwise). The caller must audit the reveal.
   */
  RevealedCard reveal(Realm realm, String cardId);

  /** Card details as revealed: never logged, stored or put in an event. */
  record RevealedCard(String pan, String cvv2, int expMonth, int expYear) {
    @Override
    public String toString() {
      return "RevealedCard[hidden]";
    }
  }

  /** The card's lifecycle history, newest first. */
  List<Transition> transitions(Realm realm, String cardId, int limitMax);

  /**
   * Search criteria: {@code last4} exactly four digits; {@code cardholderIds} the cardholders to
   * look in (null for any); {@code metadata} entries that must all match.
   */
  record CardQuery(
      String last4,
      String reference,
      List<String> cardholderIds,
      CardStatus status,
      Map<String, String> metadata) {

    public CardQuery {
      cardholderIds = cardholderIds == null ? null : List.copyOf(cardholderIds);
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
  }

  /** One recorded status change. */
  record Transition(
      String id,
      String action,
      String fromStatus,
      String toStatus,
      String reason,
      String actor,
      Instant createdAt) {}
}
