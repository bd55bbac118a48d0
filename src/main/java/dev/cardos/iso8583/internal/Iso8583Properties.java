package dev.cardos.iso8583.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The ISO 8583 interface's settings (docs/iso8583.md).
 *
 * @param port the TCP port ({@code CARDOS_ISO8583_PORT}); absent means the interface is off, 0
 *     picks a free port
 * @param bindAddress the address to listen on; localhost unless the network reaches CardOS through
 *     a private link, since the interface has no authentication of its own
 * @param frameBytesMax the largest frame accepted; a larger one closes the connection
 * @param inFlightPerConnectionMax how many messages of one connection may be unanswered at once;
 *     past it the connection is not read until one is answered
 * @param connectionsMax how many connections are served at once; more are closed on accept
 * @param idleTimeoutSeconds a connection that sent no whole frame for this long is closed (the
 *     network keeps it alive with 0800 echoes; a frame trickled in a byte at a time does not)
 * @param workersMax how many messages, over all connections, are being decided at once; the rest
 *     wait their turn, so a burst cannot exhaust the database pool
 * @param writeTimeoutSeconds a connection whose answer could not be written for this long (the
 *     network stopped reading) is closed
 */
@ConfigurationProperties("cardos.iso8583")
public record Iso8583Properties(
    Integer port,
    @DefaultValue("127.0.0.1") String bindAddress,
    @DefaultValue("4096") int frameBytesMax,
    @DefaultValue("2000") int inFlightPerConnectionMax,
    @DefaultValue("64") int connectionsMax,
    @DefaultValue("300") int idleTimeoutSeconds,
    @DefaultValue("64") int workersMax,
    @DefaultValue("30") int writeTimeoutSeconds) {

  public Iso8583Properties {
    if (frameBytesMax < 64 || frameBytesMax > 0xFFFF) {
      throw new IllegalArgumentException("cardos.iso8583.frame-bytes-max must be 64 to 65535");
    }
    if (inFlightPerConnectionMax < 1
        || connectionsMax < 1
        || idleTimeoutSeconds < 1
        || workersMax < 1
        || writeTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "cardos.iso8583 in-flight, connection, idle, worker and write limits must be positive");
    }
  }
}
