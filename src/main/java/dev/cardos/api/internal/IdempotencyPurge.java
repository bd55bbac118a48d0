package dev.cardos.api.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Forgets idempotency keys past their retention, every ten minutes. */
@Component
class IdempotencyPurge {

  private static final Logger log = LoggerFactory.getLogger(IdempotencyPurge.class);

  private final IdempotencyRecords records;
  private final ApiProperties properties;

  IdempotencyPurge(IdempotencyRecords records, ApiProperties properties) {
    this.records = records;
    this.properties = properties;
  }

  @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
  void purge() {
    int purged = records.purgeOlderThan(properties.idempotencyRetention());
    if (purged > 0) {
      log.info(
          "Purged {} idempotency keys older than {}", purged, properties.idempotencyRetention());
    }
  }
}
