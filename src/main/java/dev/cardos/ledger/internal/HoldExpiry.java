package dev.cardos.ledger.internal;

import dev.cardos.ledger.Ledger;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Releases holds whose time has passed (SPEC §3: 7 days by default), in bounded batches so one run
 * never holds many locks. Several nodes may run it at once: rows are claimed with SKIP LOCKED.
 */
@Component
class HoldExpiry {

  private static final Logger log = LoggerFactory.getLogger(HoldExpiry.class);
  private static final int BATCH_SIZE = 500;
  private static final int BATCHES_PER_RUN_MAX = 20;

  private final Ledger ledger;
  private final Clock clock;

  HoldExpiry(Ledger ledger, Clock clock) {
    this.ledger = ledger;
    this.clock = clock;
  }

  @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT30S")
  void run() {
    int total = 0;
    for (int batch = 0; batch < BATCHES_PER_RUN_MAX; batch++) {
      int expired = ledger.expireHolds(clock.instant(), BATCH_SIZE);
      total += expired;
      if (expired < BATCH_SIZE) {
        break;
      }
    }
    if (total > 0) {
      log.info("Expired {} holds", total);
    }
  }
}
