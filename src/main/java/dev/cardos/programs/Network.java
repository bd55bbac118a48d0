package dev.cardos.programs;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The card scheme a BIN belongs to. */
public enum Network {
  @JsonProperty("visa")
  VISA,
  @JsonProperty("mastercard")
  MASTERCARD;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
