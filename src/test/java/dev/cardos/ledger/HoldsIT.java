package dev.cardos.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cardos.ledger.Ledger.NewAccount;
import dev.cardos.shared.PageRequest;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Holds against the real database: placing, raising, releasing, capturing and expiring them, each
 * idempotent by its id, none letting an account's available balance fall below zero, and the books
 * balanced after every test.
 */
@ServerTest
class HoldsIT {

  /**
   * Holds that no expiry run in these tests reaches. {@link Ledger#expireHolds} works on the whole
   * database, so only the expiry tests place holds that fall due.
   */
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
    realm = newTenantRealm();
    settlement = atomically(() -> ledger.systemAccount(realm, AccountKind.SETTLEMENT, "USD"));
  }

  @AfterEach
  void booksBalance() {
    assertThat(ledger.verify().violations()).isEmpty();
  }

  private Realm newTenantRealm() {
    return new Realm(new TestApi(port).createTenant("Holds " + UUID.randomUUID()), Mode.TEST);
  }

  private <T> T atomically(Supplier<T> work) {
    return tx.execute(status -> work.get());
  }

  /** A card account (several may exist per realm and currency) holding {@code minor}. */
  private Account fundedAccount(Realm in, long minor) {
    return atomically(
        () -> {
          Account account =
              ledger.open(in, new NewAccount(AccountKind.CARD, "USD", null, null, Map.of()));
          if (minor > 0) {
            Account source = ledger.systemAccount(in, AccountKind.SETTLEMENT, "USD");
            assertThat(
                    ledger.post(
                        in,
                        new PostingRequest(
                            "deposit",
                            "test funding",
                            null,
                            List.of(
                                Leg.debit(source.id(), minor), Leg.credit(account.id(), minor)))))
                .isInstanceOf(PostingResult.Posted.class);
          }
          return account;
        });
  }

  private Account fundedAccount(long minor) {
    return fundedAccount(realm, minor);
  }

  private Account reread(Account account) {
    return ledger.find(realm, account.id()).orElseThrow();
  }

  private Hold hold(String holdId) {
    return ledger.findHold(realm, holdId).orElseThrow();
  }

  private static String newId(String prefix) {
    return prefix + UUID.randomUUID();
  }

  /** The place, increase, release and capture operations recorded for the hold. */
  private List<String> operationKinds(String holdId) {
    return jdbc.sql("SELECT kind FROM hold_operations WHERE hold_id = :hold ORDER BY created_at")
        .param("hold", holdId)
        .query(String.class)
        .list();
  }

  private HoldResult.Done place(Account account, long minor) {
    HoldResult result =
        atomically(() -> ledger.placeHold(realm, newId("hold_"), account.id(), minor, NEVER_DUE));
    assertThat(result).isInstanceOf(HoldResult.Done.class);
    return (HoldResult.Done) result;
  }

  private void assertBalances(Account account, long ledgerMinor, long heldMinor) {
    Account now = reread(account);
    assertThat(now.ledgerMinor()).as("ledger balance").isEqualTo(ledgerMinor);
    assertThat(now.heldMinor()).as("held balance").isEqualTo(heldMinor);
  }

  // ---------------------------------------------------------------- placing

  @Test
  void placingAHoldReservesTheAmountWithoutTouchingTheLedgerBalance() {
    Account account = fundedAccount(1_000);

    HoldResult.Done done = place(account, 300);

    assertThat(done.postingId()).isNull();
    assertThat(done.hold().accountId()).isEqualTo(account.id());
    assertThat(done.hold().currency()).isEqualTo("USD");
    assertThat(done.hold().amountMinor()).isEqualTo(300);
    assertThat(done.hold().originalAmountMinor()).isEqualTo(300);
    assertThat(done.hold().capturedAmountMinor()).isZero();
    assertThat(done.hold().status()).isEqualTo(HoldStatus.ACTIVE);
    assertThat(done.hold().expiresAt()).isEqualTo(NEVER_DUE);
    assertThat(hold(done.hold().id())).isEqualTo(done.hold());
    assertBalances(account, 1_000, 300);
    assertThat(reread(account).availableMinor()).isEqualTo(700);
    assertThat(operationKinds(done.hold().id())).containsExactly("place");
    assertThat(ledger.verify().ok()).isTrue();
  }

  @Test
  void placingTheSameHoldIdAgainAnswersDoneAndChangesNothing() {
    Account account = fundedAccount(1_000);
    Hold first = place(account, 300).hold();

    HoldResult again =
        atomically(() -> ledger.placeHold(realm, first.id(), account.id(), 300, NEVER_DUE));
    HoldResult againOtherAmount =
        atomically(() -> ledger.placeHold(realm, first.id(), account.id(), 500, NEVER_DUE));

    assertThat(again).isEqualTo(new HoldResult.Done(first, null));
    assertThat(againOtherAmount).isEqualTo(new HoldResult.Done(first, null));
    assertBalances(account, 1_000, 300);
    assertThat(operationKinds(first.id())).containsExactly("place");
  }

  @Test
  void aHoldBiggerThanAvailableIsInsufficientFundsAndChangesNothing() {
    Account account = fundedAccount(1_000);
    place(account, 400);
    String holdId = newId("hold_");

    HoldResult refused =
        atomically(() -> ledger.placeHold(realm, holdId, account.id(), 601, NEVER_DUE));

    assertThat(refused).isEqualTo(new HoldResult.InsufficientFunds(600));
    assertThat(ledger.findHold(realm, holdId)).isEmpty();
    assertBalances(account, 1_000, 400);

    HoldResult exactlyAvailable =
        atomically(() -> ledger.placeHold(realm, holdId, account.id(), 600, NEVER_DUE));
    assertThat(exactlyAvailable).isInstanceOf(HoldResult.Done.class);
    assertBalances(account, 1_000, 1_000);
    assertThat(reread(account).availableMinor()).isZero();
  }

  @Test
  void aHoldOnAnEmptyAccountIsInsufficientFunds() {
    Account account = fundedAccount(0);

    HoldResult refused =
        atomically(() -> ledger.placeHold(realm, newId("hold_"), account.id(), 1, NEVER_DUE));

    assertThat(refused).isEqualTo(new HoldResult.InsufficientFunds(0));
    assertBalances(account, 0, 0);
  }

  @Test
  void aHoldOnAnUnknownOrAnotherRealmsAccountIsNotFound() {
    Realm foreignRealm = newTenantRealm();
    Account foreign = fundedAccount(foreignRealm, 1_000);
    String holdId = newId("hold_");

    assertThat(atomically(() -> ledger.placeHold(realm, holdId, "acct_unknown", 1, NEVER_DUE)))
        .isEqualTo(new HoldResult.NotFound());
    assertThat(atomically(() -> ledger.placeHold(realm, holdId, foreign.id(), 1, NEVER_DUE)))
        .isEqualTo(new HoldResult.NotFound());
    assertThat(ledger.findHold(realm, holdId)).isEmpty();
    assertThat(ledger.find(foreignRealm, foreign.id()).orElseThrow().heldMinor()).isZero();
  }

  // ---------------------------------------------------------------- increasing

  @Test
  void increasingAHoldRaisesItAndTheAccountsHeldBalance() {
    Account account = fundedAccount(1_000);
    Hold placed = place(account, 300).hold();

    HoldResult result =
        atomically(() -> ledger.increaseHold(realm, placed.id(), newId("op_"), 200));

    Hold raised = ((HoldResult.Done) result).hold();
    assertThat(raised.amountMinor()).isEqualTo(500);
    assertThat(raised.originalAmountMinor()).isEqualTo(300);
    assertThat(raised.status()).isEqualTo(HoldStatus.ACTIVE);
    assertBalances(account, 1_000, 500);
    assertThat(operationKinds(placed.id())).containsExactly("place", "increase");
  }

  @Test
  void increasingAHoldBeyondAvailableIsInsufficientFundsAndChangesNothing() {
    Account account = fundedAccount(1_000);
    Hold placed = place(account, 300).hold();

    HoldResult refused =
        atomically(() -> ledger.increaseHold(realm, placed.id(), newId("op_"), 701));

    assertThat(refused).isEqualTo(new HoldResult.InsufficientFunds(700));
    assertThat(hold(placed.id())).isEqualTo(placed);
    assertBalances(account, 1_000, 300);
    assertThat(operationKinds(placed.id())).containsExactly("place");
  }

  // ---------------------------------------------------------------- releasing

  @Test
  void partialReleaseKeepsTheHoldActiveWithTheRemainder() {
    Account account = fundedAccount(1_000);
    Hold placed = place(account, 500).hold();

    HoldResult result = atomically(() -> ledger.releaseHold(realm, placed.id(), newId("op_"), 200));

    Hold remaining = ((HoldResult.Done) result).hold();
    assertThat(remaining.status()).isEqualTo(HoldStatus.ACTIVE);
    assertThat(remaining.amountMinor()).isEqualTo(300);
    assertThat(remaining.capturedAmountMinor()).isZero();
    assertBalances(account, 1_000, 300);
  }

  @Test
  void releasingAtLeastWhatIsHeldReleasesTheWholeHold() {
    Account account = fundedAccount(1_000);
    Hold placed = place(account, 500).hold();

    HoldResult result = atomically(() -> ledger.releaseHold(realm, placed.id(), newId("op_"), 800));

    Hold released = ((HoldResult.Done) result).hold();
    assertThat(released.status()).isEqualTo(HoldStatus.RELEASED);
    assertThat(released.amountMinor()).isZero();
    assertThat(released.originalAmountMinor()).isEqualTo(500);
    assertBalances(account, 1_000, 0);
    assertThat(
            jdbc.sql("SELECT amount FROM hold_operations WHERE hold_id = :h AND kind = 'release'")
                .param("h", placed.id())
                .query(Long.class)
                .single())
        .as("the release records what was actually released")
        .isEqualTo(500);
  }

  // ---------------------------------------------------------------- capturing

  @Test
  void partialCaptureKeepsTheRemainderHeld() {
    Account account = fundedAccount(1_000);
    Account merchant = fundedAccount(0);
    Hold placed = place(account, 500).hold();

    HoldResult result =
        atomically(
            () -> ledger.captureHold(realm, placed.id(), newId("op_"), 200, merchant.id(), false));

    HoldResult.Done done = (HoldResult.Done) result;
    assertThat(done.postingId()).startsWith("pst_");
    assertThat(done.hold().status()).isEqualTo(HoldStatus.ACTIVE);
    assertThat(done.hold().amountMinor()).isEqualTo(300);
    assertThat(done.hold().capturedAmountMinor()).isEqualTo(200);
    assertBalances(account, 800, 300);
    assertBalances(merchant, 200, 0);
    List<Entry> entries = ledger.entries(realm, account.id(), new PageRequest(10, null)).data();
    assertThat(entries.getFirst().postingId()).isEqualTo(done.postingId());
    assertThat(entries.getFirst().postingKind()).isEqualTo("capture");
    assertThat(entries.getFirst().referenceId()).isEqualTo(placed.id());
    assertThat(entries.getFirst().amountMinor()).isEqualTo(-200);
    assertThat(entries.getFirst().balanceAfterMinor()).isEqualTo(800);
  }

  @Test
  void finalCaptureReleasesTheRest() {
    Account account = fundedAccount(1_000);
    Account merchant = fundedAccount(0);
    Hold placed = place(account, 500).hold();

    HoldResult result =
        atomically(
            () -> ledger.captureHold(realm, placed.id(), newId("op_"), 200, merchant.id(), true));

    Hold captured = ((HoldResult.Done) result).hold();
    assertThat(captured.status()).isEqualTo(HoldStatus.CAPTURED);
    assertThat(captured.amountMinor()).isZero();
    assertThat(captured.capturedAmountMinor()).isEqualTo(200);
    assertBalances(account, 800, 0);
    assertBalances(merchant, 200, 0);
  }

  @Test
  void severalPartialCapturesAddUpUntilTheFinalOne() {
    Account account = fundedAccount(1_000);
    Account merchant = fundedAccount(0);
    Hold placed = place(account, 500).hold();

    atomically(
        () -> ledger.captureHold(realm, placed.id(), newId("op_"), 100, merchant.id(), false));
    atomically(
        () -> ledger.captureHold(realm, placed.id(), newId("op_"), 150, merchant.id(), false));
    HoldResult last =
        atomically(
            () -> ledger.captureHold(realm, placed.id(), newId("op_"), 50, merchant.id(), true));

    Hold captured = ((HoldResult.Done) last).hold();
    assertThat(captured.status()).isEqualTo(HoldStatus.CAPTURED);
    assertThat(captured.capturedAmountMinor()).isEqualTo(300);
    assertBalances(account, 700, 0);
    assertBalances(merchant, 300, 0);
  }

  @ParameterizedTest(name = "final capture: {0}")
  @ValueSource(booleans = {true, false})
  void capturingMoreThanIsHeldTakesTheExcessFromAvailable(boolean finalCapture) {
    Account account = fundedAccount(1_000);
    Hold placed = place(account, 500).hold();

    HoldResult result =
        atomically(
            () ->
                ledger.captureHold(
                    realm, placed.id(), newId("op_"), 700, settlement.id(), finalCapture));

    Hold captured = ((HoldResult.Done) result).hold();
    assertThat(captured.status()).isEqualTo(HoldStatus.CAPTURED);
    assertThat(captured.amountMinor()).isZero();
    assertThat(captured.capturedAmountMinor()).isEqualTo(700);
    assertBalances(account, 300, 0);
  }

  @ParameterizedTest(name = "final capture: {0}")
  @ValueSource(booleans = {true, false})
  void capturingMoreThanIsHeldIsRefusedWhenTheExcessIsNotAvailable(boolean finalCapture) {
    Account account = fundedAccount(1_000);
    Account merchant = fundedAccount(0);
    Hold placed = place(account, 500).hold();
    place(account, 400);

    HoldResult refused =
        atomically(
            () ->
                ledger.captureHold(
                    realm, placed.id(), newId("op_"), 601, merchant.id(), finalCapture));

    assertThat(refused).isInstanceOf(HoldResult.InsufficientFunds.class);
    assertThat(hold(placed.id())).isEqualTo(placed);
    assertBalances(account, 1_000, 900);
    assertBalances(merchant, 0, 0);
    assertThat(operationKinds(placed.id())).containsExactly("place");

    HoldResult taken =
        atomically(
            () ->
                ledger.captureHold(
                    realm, placed.id(), newId("op_"), 600, merchant.id(), finalCapture));
    assertThat(taken).isInstanceOf(HoldResult.Done.class);
    assertBalances(account, 400, 400);
    assertThat(reread(account).availableMinor()).isZero();
    assertBalances(merchant, 600, 0);
  }

  /**
   * A capture moves money from the held account to the counter account in one posting, so the two
   * must share a currency or the posting cannot balance. The capture runs in a transaction that is
   * rolled back whatever happens, so that a posting written in spite of this cannot unbalance the
   * books every other test verifies.
   */
  @Test
  void capturingIntoAnAccountOfAnotherCurrencyIsRefused() {
    Account account = fundedAccount(1_000);
    Account euros = atomically(() -> ledger.systemAccount(realm, AccountKind.SETTLEMENT, "EUR"));
    Hold placed = place(account, 500).hold();

    TransactionTemplate rolledBack = new TransactionTemplate(transactions);
    assertThatThrownBy(
            () ->
                rolledBack.executeWithoutResult(
                    status -> {
                      status.setRollbackOnly();
                      HoldResult result =
                          ledger.captureHold(
                              realm, placed.id(), newId("op_"), 100, euros.id(), true);
                      if (result instanceof HoldResult.Done done) {
                        List<String> unbalanced =
                            jdbc.sql(
                                    """
                                    SELECT currency FROM entries WHERE posting_id = :p
                                    GROUP BY currency HAVING sum(amount) <> 0
                                    """)
                                .param("p", done.postingId())
                                .query(String.class)
                                .list();
                        throw new AssertionError(
                            "captured across currencies; unbalanced in " + unbalanced);
                      }
                    }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(hold(placed.id())).isEqualTo(placed);
    assertBalances(account, 1_000, 500);
  }

  // ---------------------------------------------------------------- idempotency

  @Test
  void repeatingAnOperationIdAnswersDoneAndChangesNoBalance() {
    Account account = fundedAccount(1_000);
    Account merchant = fundedAccount(0);
    Hold placed = place(account, 300).hold();
    String increase = newId("op_");
    String release = newId("op_");
    String capture = newId("op_");

    HoldResult increased = atomically(() -> ledger.increaseHold(realm, placed.id(), increase, 200));
    assertThat(atomically(() -> ledger.increaseHold(realm, placed.id(), increase, 200)))
        .isEqualTo(increased);
    assertBalances(account, 1_000, 500);

    HoldResult released = atomically(() -> ledger.releaseHold(realm, placed.id(), release, 100));
    assertThat(atomically(() -> ledger.releaseHold(realm, placed.id(), release, 100)))
        .isEqualTo(released);
    assertBalances(account, 1_000, 400);

    HoldResult captured =
        atomically(
            () -> ledger.captureHold(realm, placed.id(), capture, 150, merchant.id(), false));
    String postingId = ((HoldResult.Done) captured).postingId();
    HoldResult capturedAgain =
        atomically(
            () -> ledger.captureHold(realm, placed.id(), capture, 150, merchant.id(), false));
    assertThat(capturedAgain).isEqualTo(captured);
    assertThat(((HoldResult.Done) capturedAgain).postingId()).isEqualTo(postingId);
    assertBalances(account, 850, 250);
    assertBalances(merchant, 150, 0);

    // Repeats still answer Done, changing nothing, after the hold has ended.
    atomically(() -> ledger.releaseHold(realm, placed.id(), newId("op_"), 250));
    Hold ended = hold(placed.id());
    assertThat(atomically(() -> ledger.increaseHold(realm, placed.id(), increase, 200)))
        .isEqualTo(new HoldResult.Done(ended, null));
    assertThat(
            atomically(
                () -> ledger.captureHold(realm, placed.id(), capture, 150, merchant.id(), false)))
        .isEqualTo(new HoldResult.Done(ended, postingId));
    assertBalances(account, 850, 0);
    assertBalances(merchant, 150, 0);
    assertThat(operationKinds(placed.id()))
        .containsExactly("place", "increase", "release", "capture", "release");
  }

  // ---------------------------------------------------------------- ended and unknown holds

  private Hold end(Hold hold, HoldStatus how, Account merchant) {
    switch (how) {
      case RELEASED ->
          atomically(() -> ledger.releaseHold(realm, hold.id(), newId("op_"), hold.amountMinor()));
      case CAPTURED ->
          atomically(
              () -> ledger.captureHold(realm, hold.id(), newId("op_"), 100, merchant.id(), true));
      case EXPIRED -> throw new IllegalArgumentException("expired holds are placed due");
      case ACTIVE -> throw new IllegalArgumentException("an active hold has not ended");
    }
    return hold(hold.id());
  }

  @ParameterizedTest
  @EnumSource(
      value = HoldStatus.class,
      names = {"RELEASED", "CAPTURED", "EXPIRED"})
  void everyOperationOnAnEndedHoldIsNotActiveAndChangesNothing(HoldStatus how) {
    Account account = fundedAccount(1_000);
    Account merchant = fundedAccount(0);
    Hold ended;
    if (how == HoldStatus.EXPIRED) {
      Instant due = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
      String holdId = newId("hold_");
      atomically(() -> ledger.placeHold(realm, holdId, account.id(), 500, due));
      atomically(() -> ledger.expireHolds(due.plusSeconds(1), 1_000));
      ended = hold(holdId);
    } else {
      ended = end(place(account, 500).hold(), how, merchant);
    }
    assertThat(ended.status()).isEqualTo(how);
    Account before = reread(account);

    assertThat(atomically(() -> ledger.increaseHold(realm, ended.id(), newId("op_"), 10)))
        .isEqualTo(new HoldResult.NotActive(ended));
    assertThat(atomically(() -> ledger.releaseHold(realm, ended.id(), newId("op_"), 10)))
        .isEqualTo(new HoldResult.NotActive(ended));
    assertThat(
            atomically(
                () -> ledger.captureHold(realm, ended.id(), newId("op_"), 10, merchant.id(), true)))
        .isEqualTo(new HoldResult.NotActive(ended));

    assertThat(hold(ended.id())).isEqualTo(ended);
    assertThat(reread(account)).isEqualTo(before);
    assertThat(reread(account).heldMinor()).isZero();
  }

  @Test
  void anUnknownHoldIsNotFound() {
    Account merchant = fundedAccount(0);

    assertThat(atomically(() -> ledger.increaseHold(realm, "hold_unknown", newId("op_"), 1)))
        .isEqualTo(new HoldResult.NotFound());
    assertThat(atomically(() -> ledger.releaseHold(realm, "hold_unknown", newId("op_"), 1)))
        .isEqualTo(new HoldResult.NotFound());
    assertThat(
            atomically(
                () ->
                    ledger.captureHold(
                        realm, "hold_unknown", newId("op_"), 1, merchant.id(), true)))
        .isEqualTo(new HoldResult.NotFound());
    assertThat(ledger.findHold(realm, "hold_unknown")).isEmpty();
  }

  @Test
  void anotherRealmsHoldIsNotFoundAndUntouched() {
    Account account = fundedAccount(1_000);
    Hold placed = place(account, 500).hold();
    Realm otherTenant = newTenantRealm();
    Realm liveMode = new Realm(realm.tenantId(), Mode.LIVE);

    for (Realm other : List.of(otherTenant, liveMode)) {
      Account merchant =
          atomically(() -> ledger.systemAccount(other, AccountKind.SETTLEMENT, "USD"));
      assertThat(ledger.findHold(other, placed.id())).isEmpty();
      assertThat(atomically(() -> ledger.increaseHold(other, placed.id(), newId("op_"), 1)))
          .isEqualTo(new HoldResult.NotFound());
      assertThat(atomically(() -> ledger.releaseHold(other, placed.id(), newId("op_"), 500)))
          .isEqualTo(new HoldResult.NotFound());
      assertThat(
              atomically(
                  () ->
                      ledger.captureHold(
                          other, placed.id(), newId("op_"), 500, merchant.id(), true)))
          .isEqualTo(new HoldResult.NotFound());
    }

    assertThat(hold(placed.id())).isEqualTo(placed);
    assertBalances(account, 1_000, 500);
  }

  /**
   * Operation ids are the caller's, so another realm may well send one its owner already used; the
   * answer must still be NotFound, not a failure that tells it the hold exists.
   */
  @Test
  void anotherRealmsHoldIsNotFoundEvenUnderAnOperationIdItsOwnerUsed() {
    Account account = fundedAccount(1_000);
    Hold placed = place(account, 500).hold();
    String release = newId("op_");
    atomically(() -> ledger.releaseHold(realm, placed.id(), release, 100));
    Realm other = newTenantRealm();

    assertThat(atomically(() -> ledger.releaseHold(other, placed.id(), release, 100)))
        .isEqualTo(new HoldResult.NotFound());
    assertThat(atomically(() -> ledger.increaseHold(other, placed.id(), placed.id(), 1)))
        .isEqualTo(new HoldResult.NotFound());
    assertBalances(account, 1_000, 400);
  }

  // ---------------------------------------------------------------- expiry

  @Test
  void expiryReleasesOnlyDueHoldsAtMostLimitAtATime() {
    Account account = fundedAccount(1_000);
    // An hour ahead of the real clock, so the scheduled expiry run (which uses it) never races.
    Instant base = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    List<String> due = List.of(newId("hold_"), newId("hold_"), newId("hold_"));
    for (int i = 0; i < due.size(); i++) {
      String holdId = due.get(i);
      Instant expiresAt = base.plusSeconds(i);
      atomically(() -> ledger.placeHold(realm, holdId, account.id(), 100, expiresAt));
    }
    String later = newId("hold_");
    atomically(() -> ledger.placeHold(realm, later, account.id(), 200, base.plusSeconds(60)));
    Instant now = base.plusSeconds(10);
    assertBalances(account, 1_000, 500);

    assertThat(atomically(() -> ledger.expireHolds(now, 2))).isEqualTo(2);
    assertThat(hold(due.get(0)).status()).isEqualTo(HoldStatus.EXPIRED);
    assertThat(hold(due.get(1)).status()).isEqualTo(HoldStatus.EXPIRED);
    assertThat(hold(due.get(2)).status()).isEqualTo(HoldStatus.ACTIVE);
    assertBalances(account, 1_000, 300);
    assertThat(ledger.verify().ok()).isTrue();

    assertThat(atomically(() -> ledger.expireHolds(now, 2))).isEqualTo(1);
    assertThat(atomically(() -> ledger.expireHolds(now, 2))).isZero();
    Hold expired = hold(due.get(2));
    assertThat(expired.status()).isEqualTo(HoldStatus.EXPIRED);
    assertThat(expired.amountMinor()).isZero();
    assertThat(expired.originalAmountMinor()).isEqualTo(100);
    assertThat(hold(later).status()).isEqualTo(HoldStatus.ACTIVE);
    assertThat(hold(later).amountMinor()).isEqualTo(200);
    assertBalances(account, 1_000, 200);
    assertThat(operationKinds(due.get(2))).containsExactly("place", "expire");
  }

  @Test
  void aPartlyCapturedHoldExpiresWithWhatRemains() {
    Account account = fundedAccount(1_000);
    Account merchant = fundedAccount(0);
    Instant due = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    String holdId = newId("hold_");
    atomically(() -> ledger.placeHold(realm, holdId, account.id(), 500, due));
    atomically(() -> ledger.captureHold(realm, holdId, newId("op_"), 200, merchant.id(), false));

    atomically(() -> ledger.expireHolds(due, 1_000));

    Hold expired = hold(holdId);
    assertThat(expired.status()).isEqualTo(HoldStatus.EXPIRED);
    assertThat(expired.amountMinor()).isZero();
    assertThat(expired.capturedAmountMinor()).isEqualTo(200);
    assertBalances(account, 800, 0);
    assertBalances(merchant, 200, 0);
  }

  // ---------------------------------------------------------------- the database's own guard

  /** Runs SQL in a transaction rolled back whatever happens, so a missing guard changes nothing. */
  private void inRolledBackTransaction(String sql, Map<String, Object> params) {
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              status.setRollbackOnly();
              jdbc.sql(sql).params(params).update();
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "UPDATE entries SET amount = amount WHERE posting_id = :posting",
        "DELETE FROM entries WHERE posting_id = :posting",
        "UPDATE postings SET description = 'changed' WHERE id = :posting",
        "DELETE FROM postings WHERE id = :posting",
        "UPDATE hold_operations SET amount = amount + 1 WHERE hold_id = :hold",
        "DELETE FROM hold_operations WHERE hold_id = :hold",
        "TRUNCATE entries, postings, hold_operations CASCADE"
      })
  void theDatabaseRefusesToChangeOrRemoveLedgerRows(String sql) {
    Account account = fundedAccount(1_000);
    Account merchant = fundedAccount(0);
    Hold placed = place(account, 500).hold();
    String postingId =
        ((HoldResult.Done)
                atomically(
                    () ->
                        ledger.captureHold(
                            realm, placed.id(), newId("op_"), 100, merchant.id(), false)))
            .postingId();

    assertThatThrownBy(
            () -> inRolledBackTransaction(sql, Map.of("posting", postingId, "hold", placed.id())))
        .hasMessageContaining("append-only");

    assertThat(operationKinds(placed.id())).containsExactly("place", "capture");
    assertThat(ledger.entries(realm, account.id(), new PageRequest(10, null)).data())
        .extracting(Entry::amountMinor)
        .containsExactly(-100L, 1_000L);
    assertBalances(account, 900, 400);
  }

  @Test
  void theDatabaseRefusesAHeldBalanceAboveTheLedgerBalance() {
    Account account = fundedAccount(1_000);

    assertThatThrownBy(
            () ->
                inRolledBackTransaction(
                    "UPDATE accounts SET held_balance = ledger_balance + 1 WHERE id = :id",
                    Map.of("id", account.id())))
        .hasMessageContaining("available_not_negative");
    assertBalances(account, 1_000, 0);
  }
}
