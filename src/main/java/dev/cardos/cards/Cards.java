package dev.cardos.cards;

import dev.cardos.shared.RoundTrip;
import dev.cardos.tenancy.Realm;
import java.util.Optional;

/** Finds cards for other modules. */
public interface Cards {

  /** The card with this id in the realm, or empty (also when it is another tenant's). */
  Optional<Card> find(Realm realm, String cardId);

  /**
   * The card with this number, in any realm: the network's view. The one in use when there is one,
   * else the newest terminated one.
   */
  Optional<CardWithRealm> findByPan(Pan pan);

  /** A card and the realm it belongs to. */
  record CardWithRealm(Realm realm, Card card) {}

  /**
   * What never changes about the card this node last found in use with this number (by {@link
   * #findByPan}), if any: from memory, without the database. It may no longer be the card in use
   * (terminated since, or on another node): {@link #inUseRead} tells.
   */
  Optional<Identity> knownByPan(Pan pan);

  /**
   * The card with this identity as it is now, if it is still in use (not terminated), as a read to
   * run together with other modules' (one round trip). Empty: look the number up again.
   */
  RoundTrip.Statement<Optional<Card>> inUseRead(Identity identity);

  /** A card's fields that never change after it is issued, and the realm it belongs to. */
  record Identity(
      String cardId, Realm realm, String programId, String cardholderId, String accountId) {

    public static Identity of(Realm realm, Card card) {
      return new Identity(
          card.id(), realm, card.programId(), card.cardholderId(), card.accountId());
    }
  }
}
