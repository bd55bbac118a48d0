package dev.cardos.cardholders;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The outcome of the tenant's identity check; cards are issued only when {@code verified}. */
public enum KycStatus {
  @JsonProperty("pending")
  PENDING,
  @JsonProperty("verified")
  VERIFIED,
  @JsonProperty("rejected")
  REJECTED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static KycStatus fromWire(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
