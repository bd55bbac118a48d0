package dev.cardos.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cardos.ledger.Ledger.NewAccount;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Many callers at once against the same accounts: however they interleave, no account's available
 * balance goes below zero, exactly as many debits succeed as the balance covers, nobody deadlocks,
 * and the books balance afterwards.
 */
@ServerTest
class LedgerConcurrencyIT {

  private static final int THREADS = 64;
  private static final int ATTEMPTS_PER_THREAD = 10;
  private static final Instant NEVER_DUE = Instant.parse("2099-01-01T00:00:00Z");

  @LocalServerPort int port;
  @Autowired Ledger ledger;
  @Autowired JdbcClient jdbc;
  @Autowired PlatformTransactionManager transactions;

  private TransactionTemplate tx;
  private Realm realm;
  private Account settlement;

  @BeforeEach
  void newRealm() {
    tx = new TransactionTemplate(transactions);
    realm =
        new Realm(new TestApi(port).createTenant("Concurrency " + UUID.randomUUID()), Mode.TEST);
    settlement = atomically(() -> ledger.systemAccount(realm, AccountKind.SETTLEMENT, "USD"));
  }

  @AfterEach
  void booksBalance() {
    assertThat(ledger.verify().violations()).isEmpty();
  }

  private <T> T atomically(Supplier<T> work) {
    return tx.execute(status -> work.get());
  }

  private Account fundedAccount(long minor) {
    return atomically(
        () -> {
          Account account =
              ledger.open(realm, new NewAccount(AccountKind.CARD, "USD", null, null, Map.of()));
          if (minor > 0) {
            deposit(account, minor);
          }
          return account;
        });
  }

  private PostingResult deposit(Account account, long minor) {
    return ledger.post(
        realm,
        new PostingRequest(
            "deposit",
            null,
            null,
            List.of(Leg.debit(settlement.id(), minor), Leg.credit(account.id(), minor))));
  }

  private PostingResult transfer(Account from, Account to, long minor) {
    return ledger.post(
        realm,
        new PostingRequest(
            "transfer",
            null,
            null,
            List.of(Leg.debit(from.id(), minor), Leg.credit(to.id(), minor))));
  }

  private Account reread(Account account) {
    return ledger.find(realm, account.id()).orElseThrow();
  }

  /**
   * Runs {@code work(thread)} on {@code threads} threads that all wait at one start gate, and
   * returns what any of them threw.
   */
  private static List<Throwable> race(int threads, IntConsumer work) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  start.await();
                  work.accept(thread);
                  return null;
                }));
      }
      assertThat(ready.await(1, TimeUnit.MINUTES)).as("all threads at the gate").isTrue();
      start.countDown();
      List<Throwable> failures = new ArrayList<>();
      for (Future<?> future : futures) {
        try {
          future.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          failures.add(e.getCause());
        } catch (TimeoutException e) {
          failures.add(e);
        }
      }
      return failures;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The lowest available balance seen, read inside each successful debit's own transaction. */
  private void recordAvailable(Account account, AtomicLong lowest) {
    lowest.accumulateAndGet(reread(account).availableMinor(), Math::min);
  }

  @Test
  void concurrentDebitsSucceedExactlyAsOftenAsTheBalanceCovers() throws InterruptedException {
    long balance = 1_000;
    long amount = 7;
    Account account = fundedAccount(balance);
    Account other = fundedAccount(0);
    AtomicInteger posted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicLong lowestAvailable = new AtomicLong(Long.MAX_VALUE);

    List<Throwable> failures =
        race(
            THREADS,
            thread -> {
              for (int i = 0; i < ATTEMPTS_PER_THREAD; i++) {
                PostingResult result =
                    atomically(
                        () -> {
                          PostingResult r = transfer(account, other, amount);
                          if (r instanceof PostingResult.Posted) {
                            recordAvailable(account, lowestAvailable);
                          }
                          return r;
                        });
                switch (result) {
                  case PostingResult.Posted p -> posted.incrementAndGet();
                  case PostingResult.InsufficientFunds f -> {
                    assertThat(f.accountId()).isEqualTo(account.id());
                    assertThat(f.availableMinor()).isLessThan(amount).isNotNegative();
                    refused.incrementAndGet();
                  }
                }
              }
            });

    assertThat(failures).isEmpty();
    long expected = balance / amount;
    assertThat(posted.get()).isEqualTo(expected);
    assertThat(refused.get()).isEqualTo(THREADS * ATTEMPTS_PER_THREAD - expected);
    assertThat(lowestAvailable.get()).isEqualTo(balance % amount);
    assertThat(reread(account).ledgerMinor()).isEqualTo(balance % amount);
    assertThat(reread(other).ledgerMinor()).isEqualTo(expected * amount);
    assertThat(ledger.verify().ok()).isTrue();
  }

  @Test
  void concurrentHoldsSucceedExactlyAsOftenAsTheBalanceCovers() throws InterruptedException {
    long balance = 1_000;
    long amount = 7;
    Account account = fundedAccount(balance);
    AtomicInteger placed = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicLong lowestAvailable = new AtomicLong(Long.MAX_VALUE);

    List<Throwable> failures =
        race(
            THREADS,
            thread -> {
              for (int i = 0; i < ATTEMPTS_PER_THREAD; i++) {
                String holdId = "hold_" + UUID.randomUUID();
                HoldResult result =
                    atomically(
                        () -> {
                          HoldResult r =
                              ledger.placeHold(realm, holdId, account.id(), amount, NEVER_DUE);
                          if (r instanceof HoldResult.Done) {
                            recordAvailable(account, lowestAvailable);
                          }
                          return r;
                        });
                switch (result) {
                  case HoldResult.Done d -> placed.incrementAndGet();
                  case HoldResult.InsufficientFunds f -> {
                    assertThat(f.availableMinor()).isLessThan(amount).isNotNegative();
                    refused.incrementAndGet();
                  }
                  case HoldResult.NotFound n -> throw new AssertionError("account not found");
                  case HoldResult.NotActive n -> throw new AssertionError("a new hold ended");
                }
              }
            });

    assertThat(failures).isEmpty();
    long expected = balance / amount;
    assertThat(placed.get()).isEqualTo(expected);
    assertThat(refused.get()).isEqualTo(THREADS * ATTEMPTS_PER_THREAD - expected);
    assertThat(lowestAvailable.get()).isEqualTo(balance % amount);
    Account after = reread(account);
    assertThat(after.ledgerMinor()).isEqualTo(balance);
    assertThat(after.heldMinor()).isEqualTo(expected * amount);
    assertThat(
            jdbc.sql("SELECT count(*) FROM holds WHERE account_id = :a AND status = 'active'")
                .param("a", account.id())
                .query(Long.class)
                .single())
        .isEqualTo(expected);
    assertThat(ledger.verify().ok()).isTrue();
  }

  @Test
  void depositsAndTransfersInBothDirectionsAtOnceNeitherDeadlockNorOverdraw()
      throws InterruptedException {
    long initial = 2_000;
    Account a = fundedAccount(initial);
    Account b = fundedAccount(initial);
    AtomicLong deposited = new AtomicLong();
    AtomicInteger aToB = new AtomicInteger();
    AtomicInteger bToA = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicLong lowestAvailable = new AtomicLong(Long.MAX_VALUE);

    List<Throwable> failures =
        race(
            THREADS,
            thread -> {
              for (int i = 0; i < ATTEMPTS_PER_THREAD; i++) {
                long amount = 1 + (thread * 31L + i * 17L) % 400;
                int kind = (thread + i) % 4;
                Account from = kind == 2 ? a : b;
                Account to = kind == 2 ? b : a;
                PostingResult result =
                    atomically(
                        () ->
                            switch (kind) {
                              case 0 -> deposit(a, amount);
                              case 1 -> deposit(b, amount);
                              default -> {
                                PostingResult r = transfer(from, to, amount);
                                if (r instanceof PostingResult.Posted) {
                                  recordAvailable(from, lowestAvailable);
                                }
                                yield r;
                              }
                            });
                if (result instanceof PostingResult.Posted) {
                  switch (kind) {
                    case 0, 1 -> deposited.addAndGet(amount);
                    case 2 -> aToB.incrementAndGet();
                    default -> bToA.incrementAndGet();
                  }
                } else {
                  assertThat(kind).as("deposits are never refused").isGreaterThan(1);
                  refused.incrementAndGet();
                }
              }
            });

    assertThat(failures).isEmpty();
    assertThat(aToB.get()).isPositive();
    assertThat(bToA.get()).isPositive();
    assertThat(lowestAvailable.get()).isNotNegative();
    long total = 2 * initial + deposited.get();
    assertThat(reread(a).ledgerMinor() + reread(b).ledgerMinor()).isEqualTo(total);
    assertThat(reread(settlement).ledgerMinor()).isEqualTo(-total);
    assertThat(reread(a).availableMinor()).isNotNegative();
    assertThat(reread(b).availableMinor()).isNotNegative();
    assertThat(ledger.verify().ok()).isTrue();
  }

  /**
   * A retry sent while its original is still in flight (a client timing out and trying again) must
   * not take effect twice: the hold id and the operation id are unique in the database.
   */
  @Test
  void aRepeatedHoldOperationRacingItselfTakesEffectOnce() throws InterruptedException {
    Account account = fundedAccount(1_000);
    String placedTwice = "hold_" + UUID.randomUUID();
    String releasedFrom = "hold_" + UUID.randomUUID();
    atomically(() -> ledger.placeHold(realm, releasedFrom, account.id(), 500, NEVER_DUE));
    String release = "op_" + UUID.randomUUID();
    Queue<HoldResult> answers = new ConcurrentLinkedQueue<>();

    List<Throwable> failures =
        race(
            16,
            thread ->
                answers.add(
                    atomically(
                        () ->
                            thread % 2 == 0
                                ? ledger.placeHold(realm, placedTwice, account.id(), 100, NEVER_DUE)
                                : ledger.releaseHold(realm, releasedFrom, release, 100))));

    // A loser may be refused by the unique key rather than answered; it changed nothing.
    assertThat(failures).allSatisfy(f -> assertThat(f).isInstanceOf(DuplicateKeyException.class));
    assertThat(answers).hasSize(16 - failures.size());
    assertThat(answers).allSatisfy(a -> assertThat(a).isInstanceOf(HoldResult.Done.class));
    Hold placed = ledger.findHold(realm, placedTwice).orElseThrow();
    assertThat(placed.amountMinor()).isEqualTo(100);
    Hold released = ledger.findHold(realm, releasedFrom).orElseThrow();
    assertThat(released.amountMinor()).isEqualTo(400);
    assertThat(released.status()).isEqualTo(HoldStatus.ACTIVE);
    assertThat(reread(account).heldMinor()).isEqualTo(500);
    assertThat(ledger.verify().ok()).isTrue();
  }

  /** The same race as above, asking the stronger promise: every caller is answered Done. */
  @Test
  void aRepeatedHoldOperationRacingItselfIsAnsweredDone() throws InterruptedException {
    Account account = fundedAccount(1_000);
    String placedTwice = "hold_" + UUID.randomUUID();
    String releasedFrom = "hold_" + UUID.randomUUID();
    atomically(() -> ledger.placeHold(realm, releasedFrom, account.id(), 500, NEVER_DUE));
    String release = "op_" + UUID.randomUUID();

    List<Throwable> failures =
        race(
            16,
            thread ->
                assertThat(
                        atomically(
                            () ->
                                thread % 2 == 0
                                    ? ledger.placeHold(
                                        realm, placedTwice, account.id(), 100, NEVER_DUE)
                                    : ledger.releaseHold(realm, releasedFrom, release, 100)))
                    .isInstanceOf(HoldResult.Done.class));

    assertThat(failures).isEmpty();
    assertThat(reread(account).heldMinor()).isEqualTo(500);
  }

  private int sessionsWaitingForALock() {
    return jdbc.sql(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
            """)
        .query(Integer.class)
        .single();
  }

  /**
   * Expiry and a transfer touching the same two accounts, driven into the one interleaving that
   * matters: a transfer A→B has locked A and waits for B while the expiry run, having expired a
   * hold on B, waits for A. A third transaction holds A at first so that both queue up behind it in
   * this order; when it ends, the transfer takes A. The ledger promises that accounts are locked in
   * id order, so that this cycle cannot form.
   */
  @Test
  void expiryAndATransferOnTheSameTwoAccountsDoNotDeadlock() throws Exception {
    Account a = fundedAccount(1_000);
    Account b = fundedAccount(1_000);
    assertThat(a.id()).isLessThan(b.id());
    // Hours ahead of the real clock, so that the scheduled expiry run never takes these holds.
    Instant base = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    String onB = "hold_" + UUID.randomUUID();
    String onA = "hold_" + UUID.randomUUID();
    atomically(() -> ledger.placeHold(realm, onB, b.id(), 100, base.plusSeconds(1)));
    atomically(() -> ledger.placeHold(realm, onA, a.id(), 100, base.plusSeconds(2)));

    ExecutorService pool = Executors.newFixedThreadPool(3);
    CountDownLatch aLocked = new CountDownLatch(1);
    CountDownLatch unlockA = new CountDownLatch(1);
    try {
      Future<?> holder =
          pool.submit(
              () ->
                  tx.executeWithoutResult(
                      status -> {
                        jdbc.sql("SELECT id FROM accounts WHERE id = :id FOR UPDATE")
                            .param("id", a.id())
                            .query(String.class)
                            .single();
                        aLocked.countDown();
                        try {
                          unlockA.await(1, TimeUnit.MINUTES);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }));
      assertThat(aLocked.await(1, TimeUnit.MINUTES)).isTrue();
      int waitingBefore = sessionsWaitingForALock();

      Future<PostingResult> transfer = pool.submit(() -> atomically(() -> transfer(a, b, 50)));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> sessionsWaitingForALock() == waitingBefore + 1);
      Future<Integer> expiry =
          pool.submit(() -> atomically(() -> ledger.expireHolds(base.plusSeconds(10), 100)));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> sessionsWaitingForALock() == waitingBefore + 2);
      unlockA.countDown();
      holder.get(1, TimeUnit.MINUTES);

      assertThat(transfer.get(1, TimeUnit.MINUTES)).isInstanceOf(PostingResult.Posted.class);
      assertThat(expiry.get(1, TimeUnit.MINUTES)).isGreaterThanOrEqualTo(2);
      assertThat(ledger.findHold(realm, onA).orElseThrow().status()).isEqualTo(HoldStatus.EXPIRED);
      assertThat(ledger.findHold(realm, onB).orElseThrow().status()).isEqualTo(HoldStatus.EXPIRED);
    } finally {
      unlockA.countDown();
      pool.shutdownNow();
      assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
      // Leave no due hold behind for another test's expiry run to find.
      for (String holdId : List.of(onA, onB)) {
        atomically(() -> ledger.releaseHold(realm, holdId, "op_" + UUID.randomUUID(), 100));
      }
    }
  }
}
