package dev.cardos.api.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * API convention settings.
 *
 * @param idempotencyRetention how long an idempotency key and its answer are kept (at least 24 h)
 * @param maxBodyBytes the largest request body accepted
 */
@ConfigurationProperties("cardos.api")
record ApiProperties(
    @DefaultValue("24h") Duration idempotencyRetention, @DefaultValue("2000000") int maxBodyBytes) {

  ApiProperties {
    if (idempotencyRetention.compareTo(Duration.ofHours(24)) < 0) {
      throw new IllegalArgumentException("cardos.api.idempotency-retention must be at least 24h");
    }
  }
}
