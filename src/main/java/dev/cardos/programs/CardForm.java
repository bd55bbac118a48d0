package dev.cardos.programs;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a card exists only as data or also as plastic. */
public enum CardForm {
  @JsonProperty("virtual")
  VIRTUAL,
  @JsonProperty("physical")
  PHYSICAL;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
