package dev.cardos.controls;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** How a card was presented. */
public enum Channel {
  @JsonProperty("pos")
  POS,
  @JsonProperty("ecommerce")
  ECOMMERCE,
  @JsonProperty("atm")
  ATM,
  @JsonProperty("moto")
  MOTO;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Channel fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
