package dev.cardos.cardholders;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The identity document a cardholder was verified with. */
public enum DocumentType {
  @JsonProperty("passport")
  PASSPORT,
  @JsonProperty("national_id")
  NATIONAL_ID,
  @JsonProperty("drivers_license")
  DRIVERS_LICENSE,
  @JsonProperty("residence_permit")
  RESIDENCE_PERMIT,
  @JsonProperty("tax_id")
  TAX_ID;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static DocumentType fromWire(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
