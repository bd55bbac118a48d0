package dev.cardos.cardholders;

import dev.cardos.tenancy.Realm;
import java.util.Optional;

/** Finds cardholders for other modules; always within one realm (tenant and mode). */
public interface Cardholders {

  /** The cardholder with this id in the realm, or empty (also when it is another tenant's). */
  Optional<Cardholder> find(Realm realm, String id);
}
