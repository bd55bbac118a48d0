package dev.cardos.cards;

import dev.cardos.tenancy.Realm;

/** Lets the authorization engine end a single-use card after its first clearing (SPEC §4). */
public interface CardTermination {

  /** Terminates the card if it is not terminated already; records {@code reason}. */
  void terminate(Realm realm, String cardId, String reason);
}
