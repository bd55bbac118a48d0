package dev.cardos.ledger.internal;

import dev.cardos.ledger.Account;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Entry;
import dev.cardos.ledger.Hold;
import dev.cardos.ledger.HoldResult;
import dev.cardos.ledger.HoldStatus;
import dev.cardos.ledger.Ledger;
import dev.cardos.ledger.Leg;
import dev.cardos.ledger.PostingRequest;
import dev.cardos.ledger.PostingResult;
import dev.cardos.ledger.VerificationReport;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Json;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.RoundTrip;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The ledger in PostgreSQL. Accounts touched by one operation are locked in id order (so two
 * operations never wait on each other in a cycle), checked in memory, then changed: balances,
 * entries and holds in the same transaction. The {@code available_not_negative} constraint stands
 * behind every check.
 *
 * <p>Every write is {@code @Transactional} on its own (a test checks that every method a proxy can
 * call states its transaction, except {@link #find}), so each is atomic when called alone and joins
 * its caller's transaction otherwise.
 */
@Component
class JdbcLedger implements Ledger {

  private static final String SYSTEM_KINDS =
      "('funding', 'fee_revenue', 'settlement', 'fx', 'suspense')";

  private final JdbcClient jdbc;
  private final RoundTrip roundTrip;
  private final Ids ids;
  private final Clock clock;

  JdbcLedger(JdbcClient jdbc, RoundTrip roundTrip, Ids ids, Clock clock) {
    this.jdbc = jdbc;
    this.roundTrip = roundTrip;
    this.ids = ids;
    this.clock = clock;
  }

  /** An account row as locked for a change. */
  private record Locked(
      String id,
      String currency,
      long ledger,
      long held,
      long overdraftLimit,
      boolean allowNegative) {

    boolean covers(long ledgerDelta, long heldDelta) {
      return allowNegative
          || Math.subtractExact(Math.addExact(ledger, ledgerDelta), Math.addExact(held, heldDelta))
              >= -overdraftLimit;
    }

    long available() {
      return Math.subtractExact(ledger, held);
    }
  }

  // ---------------------------------------------------------------- accounts

  @Override
  @Transactional
  public Account open(Realm realm, NewAccount account) {
    String id = ids.next("acct_");
    int inserted =
        jdbc.sql(
                """
                INSERT INTO accounts (id, tenant_id, mode, kind, currency, cardholder_id,
                                      reference, allow_negative, metadata, created_at)
                VALUES (:id, :tenant, :mode, :kind, :currency, :cardholder, :reference,
                        :allowNegative, CAST(:metadata AS jsonb), :at)
                ON CONFLICT DO NOTHING
                """)
            .param("id", id)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("kind", account.kind().wire())
            .param("currency", account.currency())
            .param("cardholder", account.cardholderId())
            .param("reference", account.reference())
            .param("allowNegative", account.kind().mayGoNegative())
            .param(
                "metadata", Json.write(account.metadata() == null ? Map.of() : account.metadata()))
            .param("at", Timestamps.sql(Timestamps.now(clock)))
            .update();
    if (inserted == 0) {
      throw new Problem(
          ProblemCode.ACCOUNT_EXISTS,
          account.kind() == AccountKind.WALLET
              ? "The cardholder already has a " + account.currency() + " wallet"
              : "There is already a "
                  + account.kind().wire()
                  + " account in "
                  + account.currency());
    }
    return find(realm, id).orElseThrow();
  }

  @Override
  @Transactional
  public Account fundingOrWallet(Realm realm, String currency, String cardholderId) {
    AccountKind kind = cardholderId == null ? AccountKind.FUNDING : AccountKind.WALLET;
    // ON CONFLICT DO NOTHING waits for a concurrent insert of the same account and then skips:
    // the read below sees whichever insert won.
    jdbc.sql(
            """
            INSERT INTO accounts (id, tenant_id, mode, kind, currency, cardholder_id, created_at)
            VALUES (:id, :tenant, :mode, :kind, :currency, :cardholder, :at)
            ON CONFLICT DO NOTHING
            """)
        .param("id", ids.next("acct_"))
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("kind", kind.wire())
        .param("currency", currency)
        .param("cardholder", cardholderId)
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .update();
    return jdbc.sql(
            """
            SELECT * FROM accounts
            WHERE tenant_id = :tenant AND mode = :mode AND kind = :kind AND currency = :currency
              AND cardholder_id IS NOT DISTINCT FROM :cardholder
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("kind", kind.wire())
        .param("currency", currency)
        .param("cardholder", cardholderId)
        .query(JdbcLedger::account)
        .single();
  }

  /**
   * Not transactional: the authorization path reads the account outside any transaction (no BEGIN
   * and COMMIT round trips), and without a transaction attribute the proxy calls it directly (the
   * interceptor's work for {@code SUPPORTS} cost 2 % of CardOS's CPU under load). Inside a caller's
   * transaction it reads on that transaction's connection.
   */
  @Override
  public Optional<Account> find(Realm realm, String accountId) {
    return roundTrip.one(findRead(realm, accountId));
  }

  @Override
  public RoundTrip.Statement<Optional<Account>> findRead(Realm realm, String accountId) {
    return RoundTrip.Statement.query(
        "SELECT * FROM accounts WHERE tenant_id = :tenant AND mode = :mode AND id = :id",
        Map.of("tenant", realm.tenantId(), "mode", realm.mode().wire(), "id", accountId),
        rows -> rows.next() ? Optional.of(account(rows, 0)) : Optional.empty());
  }

  @Override
  @Transactional(readOnly = true)
  public Page<Account> accounts(
      Realm realm, AccountKind kind, String currency, String cardholderId, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM accounts
                WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:kind AS text) IS NULL OR kind = :kind)
                  AND (CAST(:currency AS text) IS NULL OR currency = :currency)
                  AND (CAST(:cardholder AS text) IS NULL OR cardholder_id = :cardholder)
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("kind", kind == null ? null : kind.wire())
            .param("currency", currency)
            .param("cardholder", cardholderId)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(JdbcLedger::account)
            .list(),
        page);
  }

  @Override
  @Transactional
  public Account systemAccount(Realm realm, AccountKind kind, String currency) {
    if (!kind.system()) {
      throw new IllegalArgumentException(kind + " is not a system account");
    }
    jdbc.sql(
            """
            INSERT INTO accounts (id, tenant_id, mode, kind, currency, allow_negative, created_at)
            VALUES (:id, :tenant, :mode, :kind, :currency, :allowNegative, :at)
            ON CONFLICT (tenant_id, mode, kind, currency) WHERE kind IN %s DO NOTHING
            """
                .formatted(SYSTEM_KINDS))
        .param("id", ids.next("acct_"))
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("kind", kind.wire())
        .param("currency", currency)
        .param("allowNegative", kind.mayGoNegative())
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .update();
    return jdbc.sql(
            """
            SELECT * FROM accounts
            WHERE tenant_id = :tenant AND mode = :mode AND kind = :kind AND currency = :currency
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("kind", kind.wire())
        .param("currency", currency)
        .query(JdbcLedger::account)
        .single();
  }

  /** Locks the realm's accounts with these ids, in id order. Missing ids are simply absent. */
  private Map<String, Locked> lock(Realm realm, java.util.Collection<String> accountIds) {
    Map<String, Locked> locked = new LinkedHashMap<>();
    jdbc.sql(
            """
            SELECT id, currency, ledger_balance, held_balance, overdraft_limit, allow_negative
            FROM accounts
            WHERE tenant_id = :tenant AND mode = :mode AND id IN (:ids)
            ORDER BY id
            FOR UPDATE
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("ids", new TreeSet<>(accountIds))
        .query(
            (rs, row) ->
                new Locked(
                    rs.getString("id"),
                    rs.getString("currency"),
                    rs.getLong("ledger_balance"),
                    rs.getLong("held_balance"),
                    rs.getLong("overdraft_limit"),
                    rs.getBoolean("allow_negative")))
        .list()
        .forEach(l -> locked.put(l.id(), l));
    return locked;
  }

  // ---------------------------------------------------------------- postings

  @Override
  @Transactional
  public PostingResult post(Realm realm, PostingRequest request) {
    Map<String, Locked> accounts =
        lock(realm, request.legs().stream().map(Leg::accountId).toList());
    Map<String, Long> netByAccount = new LinkedHashMap<>();
    Map<String, Long> sumByCurrency = new HashMap<>();
    for (Leg leg : request.legs()) {
      Locked account = accounts.get(leg.accountId());
      if (account == null) {
        throw new IllegalArgumentException(
            "posting names an account outside the realm: " + leg.accountId());
      }
      netByAccount.merge(leg.accountId(), leg.amountMinor(), Math::addExact);
      sumByCurrency.merge(account.currency(), leg.amountMinor(), Math::addExact);
    }
    sumByCurrency.forEach(
        (currency, sum) -> {
          if (sum != 0) {
            throw new IllegalArgumentException(
                "posting does not balance in " + currency + ": legs sum to " + sum);
          }
        });
    for (Map.Entry<String, Long> net : netByAccount.entrySet()) {
      Locked account = accounts.get(net.getKey());
      if (net.getValue() < 0 && !account.covers(net.getValue(), 0)) {
        return new PostingResult.InsufficientFunds(
            account.id(), account.available(), Math.negateExact(net.getValue()));
      }
    }
    return new PostingResult.Posted(write(realm, request, accounts));
  }

  /** Writes a checked posting: the posting row, balances, and entries with running balances. */
  private String write(Realm realm, PostingRequest request, Map<String, Locked> accounts) {
    String postingId = ids.next("pst_");
    Instant now = Timestamps.now(clock);
    jdbc.sql(
            """
            INSERT INTO postings (id, tenant_id, mode, kind, description, reference_id, created_at)
            VALUES (:id, :tenant, :mode, :kind, :description, :reference, :at)
            """)
        .param("id", postingId)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("kind", request.kind())
        .param("description", request.description())
        .param("reference", request.referenceId())
        .param("at", Timestamps.sql(now))
        .update();
    Map<String, Long> balance = new HashMap<>();
    accounts.values().forEach(a -> balance.put(a.id(), a.ledger()));
    for (Leg leg : request.legs()) {
      long after = Math.addExact(balance.get(leg.accountId()), leg.amountMinor());
      balance.put(leg.accountId(), after);
      jdbc.sql(
              """
              INSERT INTO entries (id, posting_id, account_id, currency, amount, balance_after,
                                   created_at)
              VALUES (:id, :posting, :account, :currency, :amount, :after, :at)
              """)
          .param("id", ids.next("ent_"))
          .param("posting", postingId)
          .param("account", leg.accountId())
          .param("currency", accounts.get(leg.accountId()).currency())
          .param("amount", leg.amountMinor())
          .param("after", after)
          .param("at", Timestamps.sql(now))
          .update();
    }
    for (Locked account : accounts.values()) {
      long after = balance.get(account.id());
      if (after != account.ledger()) {
        jdbc.sql("UPDATE accounts SET ledger_balance = :balance WHERE id = :id")
            .param("balance", after)
            .param("id", account.id())
            .update();
      }
    }
    return postingId;
  }

  // ---------------------------------------------------------------- holds

  @Override
  @Transactional
  public HoldResult placeHold(
      Realm realm, String holdId, String accountId, long amountMinor, Instant expiresAt) {
    requirePositive(amountMinor);
    Optional<Hold> existing = findHold(realm, holdId);
    if (existing.isPresent()) {
      return new HoldResult.Done(existing.get(), null);
    }
    Locked account = lock(realm, List.of(accountId)).get(accountId);
    if (account == null) {
      return new HoldResult.NotFound();
    }
    // A retry racing its original waited on the account's lock: now the original is visible.
    Optional<Hold> raced = findHold(realm, holdId);
    if (raced.isPresent()) {
      return new HoldResult.Done(raced.get(), null);
    }
    if (!account.covers(0, amountMinor)) {
      return new HoldResult.InsufficientFunds(account.available());
    }
    Instant now = Timestamps.now(clock);
    changeHeld(accountId, amountMinor);
    jdbc.sql(
            """
            INSERT INTO holds (id, tenant_id, mode, account_id, currency, amount, original_amount,
                               status, expires_at, created_at, updated_at)
            VALUES (:id, :tenant, :mode, :account, :currency, :amount, :amount, 'active',
                    :expires, :at, :at)
            """)
        .param("id", holdId)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("account", accountId)
        .param("currency", account.currency())
        .param("amount", amountMinor)
        .param("expires", Timestamps.sql(expiresAt))
        .param("at", Timestamps.sql(now))
        .update();
    recordOperation(holdId, holdId, "place", amountMinor, null, now);
    return new HoldResult.Done(findHold(realm, holdId).orElseThrow(), null);
  }

  @Override
  @Transactional
  public HoldResult placeNewHold(
      Realm realm, String holdId, String accountId, long amountMinor, Instant expiresAt) {
    requirePositive(amountMinor);
    Instant now = Timestamps.now(clock);
    // The UPDATE takes the account's row lock and checks the balance under it; the inserts run
    // only when it returned a row. Same rule as Locked.covers, and the table's CHECK stands behind.
    Optional<Hold> placed =
        jdbc.sql(
                """
                WITH account AS (
                    UPDATE accounts SET held_balance = held_balance + :amount
                    WHERE id = :account AND tenant_id = :tenant AND mode = :mode
                      AND (allow_negative
                           OR ledger_balance - held_balance - :amount >= -overdraft_limit)
                    RETURNING currency),
                hold AS (
                    INSERT INTO holds (id, tenant_id, mode, account_id, currency, amount,
                                       original_amount, status, expires_at, created_at, updated_at)
                    SELECT :id, :tenant, :mode, :account, currency, :amount, :amount, 'active',
                           :expires, :at, :at
                    FROM account
                    RETURNING id, currency),
                operation AS (
                    INSERT INTO hold_operations (id, hold_id, kind, amount, posting_id, created_at)
                    SELECT id, id, 'place', :amount, NULL, :at FROM hold
                    RETURNING hold_id)
                SELECT hold.currency FROM hold JOIN operation ON operation.hold_id = hold.id
                """)
            .param("id", holdId)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("account", accountId)
            .param("amount", amountMinor)
            .param("expires", Timestamps.sql(expiresAt))
            .param("at", Timestamps.sql(now))
            .query(
                (rs, row) ->
                    new Hold(
                        holdId,
                        accountId,
                        rs.getString(1),
                        amountMinor,
                        amountMinor,
                        0,
                        HoldStatus.ACTIVE,
                        expiresAt))
            .optional();
    if (placed.isPresent()) {
      return new HoldResult.Done(placed.get(), null);
    }
    return jdbc.sql(
            """
            SELECT ledger_balance - held_balance FROM accounts
            WHERE id = :account AND tenant_id = :tenant AND mode = :mode
            """)
        .param("account", accountId)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .query(Long.class)
        .optional()
        .<HoldResult>map(HoldResult.InsufficientFunds::new)
        .orElseGet(HoldResult.NotFound::new);
  }

  @Override
  @Transactional
  public HoldResult increaseHold(Realm realm, String holdId, String operationId, long byMinor) {
    requirePositive(byMinor);
    Target target = target(realm, holdId, operationId);
    if (target.answer() != null) {
      return target.answer();
    }
    Hold hold = target.hold();
    Locked account = lock(realm, List.of(hold.accountId())).get(hold.accountId());
    if (!account.covers(0, byMinor)) {
      return new HoldResult.InsufficientFunds(account.available());
    }
    Instant now = Timestamps.now(clock);
    changeHeld(hold.accountId(), byMinor);
    updateHold(
        holdId,
        Math.addExact(hold.amountMinor(), byMinor),
        hold.capturedAmountMinor(),
        HoldStatus.ACTIVE,
        now);
    recordOperation(operationId, holdId, "increase", byMinor, null, now);
    return new HoldResult.Done(findHold(realm, holdId).orElseThrow(), null);
  }

  @Override
  @Transactional
  public HoldResult releaseHold(Realm realm, String holdId, String operationId, long amountMinor) {
    requirePositive(amountMinor);
    Target target = target(realm, holdId, operationId);
    if (target.answer() != null) {
      return target.answer();
    }
    Hold hold = target.hold();
    lock(realm, List.of(hold.accountId()));
    long released = Math.min(amountMinor, hold.amountMinor());
    long remaining = hold.amountMinor() - released;
    Instant now = Timestamps.now(clock);
    changeHeld(hold.accountId(), -released);
    updateHold(
        holdId,
        remaining,
        hold.capturedAmountMinor(),
        remaining == 0 ? HoldStatus.RELEASED : HoldStatus.ACTIVE,
        now);
    recordOperation(operationId, holdId, "release", released, null, now);
    return new HoldResult.Done(findHold(realm, holdId).orElseThrow(), null);
  }

  @Override
  @Transactional
  public HoldResult captureHold(
      Realm realm,
      String holdId,
      String operationId,
      long amountMinor,
      String counterAccountId,
      boolean finalCapture) {
    requirePositive(amountMinor);
    Target target = target(realm, holdId, operationId);
    if (target.answer() != null) {
      return target.answer();
    }
    Hold hold = target.hold();
    Map<String, Locked> accounts = lock(realm, List.of(hold.accountId(), counterAccountId));
    Locked account = accounts.get(hold.accountId());
    if (!accounts.containsKey(counterAccountId)) {
      throw new IllegalArgumentException("counter account outside the realm: " + counterAccountId);
    }
    if (!accounts.get(counterAccountId).currency().equals(account.currency())) {
      throw new IllegalArgumentException(
          "a capture cannot cross currencies: "
              + account.currency()
              + " hold, counter account in "
              + accounts.get(counterAccountId).currency());
    }
    long fromHold = Math.min(amountMinor, hold.amountMinor());
    long released = finalCapture ? hold.amountMinor() : fromHold;
    if (!account.covers(-amountMinor, -released)) {
      return new HoldResult.InsufficientFunds(Math.addExact(account.available(), released));
    }
    Instant now = Timestamps.now(clock);
    changeHeld(hold.accountId(), -released);
    long remaining = hold.amountMinor() - released;
    long captured = Math.addExact(hold.capturedAmountMinor(), amountMinor);
    updateHold(
        holdId, remaining, captured, remaining == 0 ? HoldStatus.CAPTURED : HoldStatus.ACTIVE, now);
    String postingId =
        write(
            realm,
            new PostingRequest(
                "capture",
                null,
                holdId,
                List.of(
                    Leg.debit(hold.accountId(), amountMinor),
                    Leg.credit(counterAccountId, amountMinor))),
            accounts);
    recordOperation(operationId, holdId, "capture", amountMinor, postingId, now);
    return new HoldResult.Done(findHold(realm, holdId).orElseThrow(), postingId);
  }

  @Override
  @Transactional
  public int expireHolds(Instant now, int limit) {
    List<String[]> due =
        jdbc.sql(
                """
                SELECT id, tenant_id, mode FROM holds
                WHERE status = 'active' AND expires_at <= :now
                ORDER BY expires_at LIMIT :limit
                FOR UPDATE SKIP LOCKED
                """)
            .param("now", Timestamps.sql(now))
            .param("limit", limit)
            .query((rs, row) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
            .list();
    // Lock every account the due holds are on, in id order, before changing any: the same order
    // as every other operation, so expiry never deadlocks with a transfer.
    if (!due.isEmpty()) {
      jdbc.sql(
              """
              SELECT a.id FROM accounts a
              WHERE a.id IN (SELECT account_id FROM holds WHERE id IN (:holds))
              ORDER BY a.id FOR UPDATE
              """)
          .param("holds", due.stream().map(r -> r[0]).toList())
          .query(String.class)
          .list();
    }
    for (String[] row : due) {
      Realm realm = new Realm(row[1], Mode.fromWire(row[2]));
      Hold hold = lockHold(realm, row[0]).orElseThrow();
      Instant at = Timestamps.now(clock);
      changeHeld(hold.accountId(), -hold.amountMinor());
      updateHold(hold.id(), 0, hold.capturedAmountMinor(), HoldStatus.EXPIRED, at);
      recordOperation(hold.id() + ":expire", hold.id(), "expire", hold.amountMinor(), null, at);
    }
    return due.size();
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<Hold> findHold(Realm realm, String holdId) {
    return jdbc.sql("SELECT * FROM holds WHERE tenant_id = :tenant AND mode = :mode AND id = :id")
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", holdId)
        .query(JdbcLedger::hold)
        .optional();
  }

  /** The locked, active hold an operation applies to; or the answer when it does not apply. */
  private record Target(Hold hold, HoldResult answer) {}

  /**
   * Finds and locks the hold for an operation: a repeated operation id answers its first result, a
   * missing hold {@code NotFound}, an ended one {@code NotActive}.
   */
  private Target target(Realm realm, String holdId, String operationId) {
    Optional<HoldResult> repeated = repeated(realm, holdId, operationId);
    if (repeated.isPresent()) {
      return new Target(null, repeated.get());
    }
    Optional<Hold> found = lockHold(realm, holdId);
    if (found.isEmpty()) {
      return new Target(null, new HoldResult.NotFound());
    }
    // A retry racing its original waited on the hold's lock: now the original is visible.
    Optional<HoldResult> raced = repeated(realm, holdId, operationId);
    if (raced.isPresent()) {
      return new Target(null, raced.get());
    }
    Hold hold = found.get();
    if (hold.status() != HoldStatus.ACTIVE) {
      return new Target(null, new HoldResult.NotActive(hold));
    }
    return new Target(hold, null);
  }

  private Optional<Hold> lockHold(Realm realm, String holdId) {
    return jdbc.sql(
            "SELECT * FROM holds WHERE tenant_id = :tenant AND mode = :mode AND id = :id FOR UPDATE")
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", holdId)
        .query(JdbcLedger::hold)
        .optional();
  }

  /** The answer to an operation id seen before on this hold, if it was. */
  private Optional<HoldResult> repeated(Realm realm, String holdId, String operationId) {
    return jdbc.sql(
            """
            SELECT o.posting_id FROM hold_operations o JOIN holds h ON h.id = o.hold_id
            WHERE o.id = :id AND o.hold_id = :hold AND h.tenant_id = :tenant AND h.mode = :mode
            """)
        .param("id", operationId)
        .param("hold", holdId)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .query((rs, row) -> Optional.ofNullable(rs.getString(1)))
        .optional()
        .map(
            posting ->
                new HoldResult.Done(findHold(realm, holdId).orElseThrow(), posting.orElse(null)));
  }

  private void changeHeld(String accountId, long deltaMinor) {
    jdbc.sql("UPDATE accounts SET held_balance = held_balance + :delta WHERE id = :id")
        .param("delta", deltaMinor)
        .param("id", accountId)
        .update();
  }

  private void updateHold(
      String holdId, long amount, long captured, HoldStatus status, Instant at) {
    jdbc.sql(
            """
            UPDATE holds SET amount = :amount, captured_amount = :captured, status = :status,
                             updated_at = :at
            WHERE id = :id
            """)
        .param("amount", amount)
        .param("captured", captured)
        .param("status", status.wire())
        .param("at", Timestamps.sql(at))
        .param("id", holdId)
        .update();
  }

  private void recordOperation(
      String operationId, String holdId, String kind, long amount, String postingId, Instant at) {
    jdbc.sql(
            """
            INSERT INTO hold_operations (id, hold_id, kind, amount, posting_id, created_at)
            VALUES (:id, :hold, :kind, :amount, :posting, :at)
            """)
        .param("id", operationId)
        .param("hold", holdId)
        .param("kind", kind)
        .param("amount", amount)
        .param("posting", postingId)
        .param("at", Timestamps.sql(at))
        .update();
  }

  private static void requirePositive(long amountMinor) {
    if (amountMinor <= 0) {
      throw new IllegalArgumentException("amount must be positive: " + amountMinor);
    }
  }

  // ---------------------------------------------------------------- reading

  @Override
  @Transactional(readOnly = true)
  public Page<Entry> entries(Realm realm, String accountId, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT e.*, p.kind AS posting_kind, p.reference_id
                FROM entries e
                JOIN postings p ON p.id = e.posting_id
                JOIN accounts a ON a.id = e.account_id
                WHERE a.tenant_id = :tenant AND a.mode = :mode AND e.account_id = :account
                  AND (CAST(:after AS text) IS NULL OR e.id < :after)
                ORDER BY e.id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("account", accountId)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(
                (rs, row) ->
                    new Entry(
                        rs.getString("id"),
                        rs.getString("posting_id"),
                        rs.getString("posting_kind"),
                        rs.getString("reference_id"),
                        rs.getString("account_id"),
                        rs.getString("currency"),
                        rs.getLong("amount"),
                        rs.getLong("balance_after"),
                        Timestamps.instant(rs.getTimestamp("created_at"))))
            .list(),
        page);
  }

  @Override
  @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
  public VerificationReport verify() {
    return Books.verify(jdbc);
  }

  static Account account(ResultSet rs, int row) throws SQLException {
    return new Account(
        rs.getString("id"),
        "live".equals(rs.getString("mode")),
        AccountKind.fromWire(rs.getString("kind")),
        rs.getString("currency"),
        rs.getString("cardholder_id"),
        rs.getString("reference"),
        rs.getLong("ledger_balance"),
        rs.getLong("held_balance"),
        Json.readStringMap(rs.getString("metadata")),
        Timestamps.instant(rs.getTimestamp("created_at")));
  }

  private static Hold hold(ResultSet rs, int row) throws SQLException {
    return new Hold(
        rs.getString("id"),
        rs.getString("account_id"),
        rs.getString("currency"),
        rs.getLong("amount"),
        rs.getLong("original_amount"),
        rs.getLong("captured_amount"),
        HoldStatus.fromWire(rs.getString("status")),
        Timestamps.instant(rs.getTimestamp("expires_at")));
  }
}
