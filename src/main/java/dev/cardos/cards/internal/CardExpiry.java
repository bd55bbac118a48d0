package dev.cardos.cards.internal;

import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Expires cards whose expiry month has ended (a card is valid through the last day of its expiry
 * month, UTC) and renews those whose program says so. One transaction per card, bounded batches.
 */
@Component
class CardExpiry {

  private static final Logger log = LoggerFactory.getLogger(CardExpiry.class);
  private static final int BATCH_SIZE = 200;

  private final JdbcCards cards;
  private final CardService service;
  private final TransactionTemplate transactions;
  private final Clock clock;

  CardExpiry(JdbcCards cards, CardService service, TransactionTemplate transactions, Clock clock) {
    this.cards = cards;
    this.service = service;
    this.transactions = transactions;
    this.clock = clock;
  }

  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
  void run() {
    int expired = expireDue();
    if (expired > 0) {
      log.info("Expired {} cards", expired);
    }
  }

  /** Expires every due card; returns how many. */
  int expireDue() {
    YearMonth now = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
    int total = 0;
    while (true) {
      var due = cards.expiring(now.getYear(), now.getMonthValue(), BATCH_SIZE);
      for (String[] card : due) {
        Realm realm = new Realm(card[1], Mode.fromWire(card[2]));
        transactions.executeWithoutResult(s -> service.expire(realm, card[0]));
      }
      total += due.size();
      if (due.size() < BATCH_SIZE) {
        return total;
      }
    }
  }
}
