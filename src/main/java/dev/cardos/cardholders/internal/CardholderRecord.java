package dev.cardos.cardholders.internal;

import dev.cardos.cardholders.Cardholder;
import dev.cardos.cardholders.DocumentType;
import dev.cardos.cardholders.KycStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/** A cardholders row as stored, including the full document number the API never shows. */
record CardholderRecord(
    String id,
    boolean livemode,
    String reference,
    String firstName,
    String lastName,
    String email,
    String phone,
    LocalDate dateOfBirth,
    Cardholder.Address billingAddress,
    DocumentType documentType,
    String documentNumber,
    String documentCountry,
    KycStatus kycStatus,
    Map<String, String> metadata,
    Instant createdAt,
    Instant updatedAt) {

  Cardholder view() {
    Cardholder.Document document =
        documentType == null
            ? null
            : new Cardholder.Document(
                documentType,
                documentCountry,
                documentNumber.substring(Math.max(0, documentNumber.length() - 4)));
    return new Cardholder(
        id,
        livemode,
        reference,
        firstName,
        lastName,
        email,
        phone,
        dateOfBirth,
        billingAddress,
        document,
        kycStatus,
        metadata,
        createdAt,
        updatedAt);
  }
}
