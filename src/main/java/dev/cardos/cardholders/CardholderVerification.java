package dev.cardos.cardholders;

import dev.cardos.tenancy.Realm;
import java.util.Optional;

/**
 * Confirms that four elements name one cardholder (SPEC §3, platform transfers): its id, reference,
 * document type and document number. Which element failed is never said, so the check cannot be
 * used to discover a cardholder's details one element at a time.
 */
public interface CardholderVerification {

  /** The cardholder when all four elements match it in this realm, else empty. */
  Optional<Cardholder> verify(
      Realm realm,
      String cardholderId,
      String reference,
      DocumentType documentType,
      String documentNumber);
}
