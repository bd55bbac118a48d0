package dev.cardos.programs;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code once}: full card details come back in the create answer only; {@code on_demand}: from
 * {@code GET /v1/cards/{id}/sensitive} with scope {@code cards:reveal}, each reveal audited.
 */
public enum RevealPolicy {
  @JsonProperty("once")
  ONCE,
  @JsonProperty("on_demand")
  ON_DEMAND;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
