package dev.cardos.api.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * API convention settings.
 *
 * @param idempotencyRetention how long an idempotency key and its answer are kept (at least 24 h)
 * @param maxBodyBytes the largest request body accepted
 * @param cardCreationsPerMinute cards one key may issue per minute, on top of its request rate
 * @param revealsPerMinute card detail reveals one key may make per minute
 * @param pinChangesPerMinute PIN changes one key may make per minute
 */
@ConfigurationProperties("cardos.api")
record ApiProperties(
    @DefaultValue("24h") Duration idempotencyRetention,
    @DefaultValue("2000000") int maxBodyBytes,
    @DefaultValue("1200") int cardCreationsPerMinute,
    @DefaultValue("600") int revealsPerMinute,
    @DefaultValue("60") int pinChangesPerMinute) {

  ApiProperties {
    if (cardCreationsPerMinute < 1 || revealsPerMinute < 1 || pinChangesPerMinute < 1) {
      throw new IllegalArgumentException("cardos.api.*-per-minute limits must be at least 1");
    }
    if (idempotencyRetention.compareTo(Duration.ofHours(24)) < 0) {
      throw new IllegalArgumentException("cardos.api.idempotency-retention must be at least 24h");
    }
  }
}
