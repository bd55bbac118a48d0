package dev.cardos.programs;

import java.time.Instant;
import java.util.List;

/**
 * A BIN lent by a sponsor: the first 6 to 8 digits of its card numbers, the scheme, the PAN length,
 * and references to the keys (never the keys) that derive CVV2s and PVVs and decrypt PIN blocks for
 * it.
 */
public record BinRange(
    String id,
    String bin,
    Network network,
    String sponsorId,
    String country,
    int panLength,
    List<String> currencies,
    List<CardForm> forms,
    List<String> features,
    String cvkKeyId,
    String pvkKeyId,
    String pinKeyId,
    String pinAesKeyId,
    Instant createdAt) {

  public BinRange {
    currencies = List.copyOf(currencies);
    forms = List.copyOf(forms);
    features = List.copyOf(features);
  }
}
