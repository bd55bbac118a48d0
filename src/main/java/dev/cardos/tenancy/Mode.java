package dev.cardos.tenancy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Test and live data are separate worlds: a key of one mode never sees the other's objects. */
public enum Mode {
  @JsonProperty("test")
  TEST,
  @JsonProperty("live")
  LIVE;

  /** The value stored in the database and shown in key prefixes. */
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Mode fromWire(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
