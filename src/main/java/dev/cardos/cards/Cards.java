package dev.cardos.cards;

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
}
