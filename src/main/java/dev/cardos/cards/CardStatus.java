package dev.cardos.cards;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Where a card is in its life (SPEC §4). */
public enum CardStatus {
  @JsonProperty("pending")
  PENDING,
  @JsonProperty("active")
  ACTIVE,
  @JsonProperty("frozen")
  FROZEN,
  @JsonProperty("blocked")
  BLOCKED,
  @JsonProperty("expired")
  EXPIRED,
  @JsonProperty("terminated")
  TERMINATED,
  @JsonProperty("failed")
  FAILED,
  @JsonProperty("under_review")
  UNDER_REVIEW;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CardStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
