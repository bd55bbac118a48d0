package dev.cardos.tenancy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a tenant API key may do (SPEC §1): who may issue, fund, view card details, change limits,
 * freeze, handle disputes and manage webhooks.
 */
public enum Scope {
  @JsonProperty("cards:read")
  CARDS_READ("cards:read"),
  @JsonProperty("cards:write")
  CARDS_WRITE("cards:write"),
  @JsonProperty("cards:reveal")
  CARDS_REVEAL("cards:reveal"),
  @JsonProperty("controls:write")
  CONTROLS_WRITE("controls:write"),
  @JsonProperty("funds:read")
  FUNDS_READ("funds:read"),
  @JsonProperty("funds:write")
  FUNDS_WRITE("funds:write"),
  @JsonProperty("transactions:read")
  TRANSACTIONS_READ("transactions:read"),
  @JsonProperty("disputes:write")
  DISPUTES_WRITE("disputes:write"),
  @JsonProperty("webhooks:write")
  WEBHOOKS_WRITE("webhooks:write");

  private final String wire;

  Scope(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<Scope> fromWire(String value) {
    return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst();
  }
}
