package dev.cardos.programs;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code b2c}: each cardholder has balances of their own and cards are funded from them; {@code
 * b2b}: all of a business's cards draw on its shared funding account.
 */
public enum ProgramKind {
  @JsonProperty("b2b")
  B2B,
  @JsonProperty("b2c")
  B2C;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
