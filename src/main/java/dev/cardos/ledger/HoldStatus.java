package dev.cardos.ledger;

import java.util.Locale;

/** A hold's life: active until released, captured or expired. */
public enum HoldStatus {
  ACTIVE,
  RELEASED,
  CAPTURED,
  EXPIRED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static HoldStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
