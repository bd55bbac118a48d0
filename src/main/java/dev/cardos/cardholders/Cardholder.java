package dev.cardos.cardholders;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * A person cards are issued to, within one tenant and mode. {@code reference} is the tenant's own
 * id for them and is unique per tenant and mode. The identity document's number is never shown back
 * in full: only its last four characters.
 */
public record Cardholder(
    String id,
    boolean livemode,
    String reference,
    String firstName,
    String lastName,
    String email,
    String phone,
    LocalDate dateOfBirth,
    Address billingAddress,
    Document document,
    KycStatus kycStatus,
    Map<String, String> metadata,
    Instant createdAt,
    Instant updatedAt) {

  public Cardholder {
    metadata = Map.copyOf(metadata);
  }

  /** A postal address; {@code country} is ISO 3166-1 alpha-2. */
  public record Address(
      String line1, String line2, String city, String state, String postalCode, String country) {}

  /** An identity document as shown: type, issuing country and the number's last four. */
  public record Document(DocumentType type, String country, String numberLast4) {}

  public boolean verified() {
    return kycStatus == KycStatus.VERIFIED;
  }
}
