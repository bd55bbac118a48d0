package dev.cardos.authorization.internal;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Expires approved authorizations never cleared within the program's hold days. */
@Component
class AuthorizationExpiry {

  private static final Logger log = LoggerFactory.getLogger(AuthorizationExpiry.class);
  private static final int BATCH_SIZE = 200;

  private final AuthorizationLifecycle lifecycle;
  private final Clock clock;

  AuthorizationExpiry(AuthorizationLifecycle lifecycle, Clock clock) {
    this.lifecycle = lifecycle;
    this.clock = clock;
  }

  @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT40S")
  void run() {
    int expired = lifecycle.expireDue(clock.instant(), BATCH_SIZE);
    if (expired > 0) {
      log.info("Expired {} authorizations", expired);
    }
  }
}
