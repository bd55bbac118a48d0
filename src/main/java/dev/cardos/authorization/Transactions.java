package dev.cardos.authorization;

import dev.cardos.tenancy.Realm;
import java.util.Optional;

/** Finds posted transactions for other modules (disputes). */
public interface Transactions {

  Optional<Transaction> find(Realm realm, String transactionId);

  /** What has been cleared against an authorization (settlements), in the card's currency. */
  long settled(Realm realm, String authorizationId);

  /** What the merchant has refunded against an authorization, in the card's currency. */
  long refunded(Realm realm, String authorizationId);
}
