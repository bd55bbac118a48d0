package dev.cardos.events.internal;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Tells this node's dispatcher that deliveries were committed, so it claims them at once instead of
 * at its next poll. Other nodes' deliveries are still found by polling.
 */
@Component
class DeliverySignal {

  private final Semaphore raised = new Semaphore(0);

  void raise() {
    if (raised.availablePermits() == 0) {
      raised.release();
    }
  }

  /** Waits until raised or {@code timeout} has passed; true when raised. */
  boolean await(Duration timeout) throws InterruptedException {
    boolean signalled = raised.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    raised.drainPermits();
    return signalled;
  }
}
