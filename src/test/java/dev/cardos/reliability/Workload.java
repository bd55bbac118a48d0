package dev.cardos.reliability;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.cards.CardFixtures;
import dev.cardos.cards.CardFixtures.BinRangeRef;
import dev.cardos.cards.CardFixtures.Setup;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's money in motion, and the client's memory of it. Worker threads send network
 * authorizations (by card number, with a fresh network transaction id each), deposits and transfers
 * (each with a fresh Idempotency-Key), and write down what they were told: the answer, or that no
 * answer came (the process died, the database was gone). After a crash the client does what a real
 * one would: it retries every unanswered request as it was (same transaction id, same key, same
 * body) and then checks that what it was told is what the books say.
 */
final class Workload {

  /** What the network knows of a card. */
  record Plastic(String cardId, String accountId, String pan, String expiry, String cvv2) {}

  /** One authorization the network sent; {@code approved} null while no answer was seen. */
  static final class Sent {
    final String ntid;
    final String body;
    final long amount;
    volatile Boolean approved;
    volatile String id;

    Sent(String ntid, String body, long amount) {
      this.ntid = ntid;
      this.body = body;
      this.amount = amount;
    }
  }

  /** One deposit or transfer; {@code id} null while no answer was seen. */
  static final class Move {
    final String path;
    final String key;
    final String body;
    final long amount;
    final boolean deposit;
    volatile String id;

    Move(String path, String key, String body, long amount, boolean deposit) {
      this.path = path;
      this.key = key;
      this.body = body;
      this.amount = amount;
      this.deposit = deposit;
    }
  }

  final TestApi api;
  final String networkKey;
  final Setup setup;
  final BinRangeRef range;
  final String fundingAccountId;
  final List<Plastic> cards = new ArrayList<>();
  final Queue<Sent> authorizations = new ConcurrentLinkedQueue<>();
  final Queue<Move> moves = new ConcurrentLinkedQueue<>();

  /** Every answer body the client received, except card details: the hygiene scan reads them. */
  final Queue<String> answers = new ConcurrentLinkedQueue<>();

  final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  long fundingAtStart;
  long walletAtStart;

  private Workload(TestApi api, String networkKey, Setup setup, String fundingAccountId) {
    this.api = api;
    this.networkKey = networkKey;
    this.setup = setup;
    this.range = setup.range();
    this.fundingAccountId = fundingAccountId;
  }

  /**
   * A tenant with a b2c program, {@code cardCount} funded cards, a funding account and a webhook
   * endpoint for every event, built over HTTP.
   */
  static Workload create(int port, String networkKey, String webhookUrl, int cardCount) {
    CardFixtures fixtures = new CardFixtures(port);
    Setup setup = fixtures.b2c("on_demand", "", 5_000_000L * cardCount);
    TestApi api = fixtures.api;
    String funding = fixtures.fundingAccount(setup.key());
    fixtures.deposit(setup.key(), funding, 1_000_000_000L);
    Workload w = new Workload(api, networkKey, setup, funding);
    expect(
        api.post(
            "/v1/webhook-endpoints",
            setup.key(),
            "{\"url\": \"%s\", \"event_types\": [\"*\"]}".formatted(webhookUrl)),
        201);
    for (int i = 0; i < cardCount; i++) {
      JsonNode card = fixtures.virtualCard(setup).body();
      String id = card.get("id").asString();
      expect(
          api.post(
              "/v1/cards/" + id + "/fund",
              setup.key(),
              "{\"amount\": 5000000, \"currency\": \"USD\"}"),
          201);
      JsonNode s = expect(api.get("/v1/cards/" + id + "/sensitive", setup.key()), 200).body();
      w.cards.add(
          new Plastic(
              id,
              card.get("account_id").asString(),
              s.get("pan").asString(),
              "%02d%02d".formatted(s.get("exp_year").asInt() % 100, s.get("exp_month").asInt()),
              s.get("cvv2").asString()));
    }
    w.fundingAtStart = w.ledger(funding);
    w.walletAtStart = w.ledger(setup.walletId());
    return w;
  }

  long ledger(String accountId) {
    return expect(api.get("/v1/accounts/" + accountId, setup.key()), 200)
        .body()
        .get("balances")
        .get("ledger")
        .asLong();
  }

  /** Load running on {@code threads} threads until {@link Load#stop}. */
  Load start(int threads) {
    Load load = new Load();
    for (int i = 0; i < threads; i++) {
      Thread t = Thread.ofPlatform().name("load-" + i).start(load::run);
      load.threads.add(t);
    }
    return load;
  }

  final class Load {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    final AtomicInteger sent = new AtomicInteger();

    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

    private void run() {
      try {
        send();
      } catch (Throwable t) {
        failures.add(t);
      }
    }

    private void send() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      while (running.get()) {
        int pick = random.nextInt(10);
        if (pick < 6) {
          authorize(newAuthorization(random));
        } else if (pick < 8) {
          move(newDeposit(random));
        } else {
          move(newTransfer(random));
        }
        sent.incrementAndGet();
      }
    }

    /** Stops sending and waits for the requests in flight to end one way or the other. */
    void stop() {
      running.set(false);
      for (Thread t : threads) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      if (!failures.isEmpty()) {
        AssertionError error = new AssertionError("a load thread failed", failures.peek());
        failures.stream().skip(1).forEach(error::addSuppressed);
        throw error;
      }
    }
  }

  private Sent newAuthorization(ThreadLocalRandom random) {
    Plastic card = cards.get(random.nextInt(cards.size()));
    // With its dashes: a UUID without them can hold a digit run long and Luhn-valid enough to
    // look like a card number to the card-data scan.
    String ntid = "CHAOS-" + UUID.randomUUID();
    long amount = 1 + random.nextInt(2_000);
    String body =
        """
        {"network_transaction_id": "%s", "pan": "%s", "expiry": "%s", "cvv2": "%s",
         "amount": %d, "currency": "USD", "channel": "ecommerce",
         "merchant": {"id": "MID-7", "name": "Chaos Store", "mcc": "5999", "city": "Austin",
                      "country": "US"}}
        """
            .formatted(ntid, card.pan(), card.expiry(), card.cvv2(), amount);
    Sent sent = new Sent(ntid, body, amount);
    authorizations.add(sent);
    return sent;
  }

  private Move newDeposit(ThreadLocalRandom random) {
    long amount = 1_000 + random.nextInt(4_000);
    Move move =
        new Move(
            "/v1/simulate/deposits",
            "chaos-dep-" + UUID.randomUUID(),
            """
            {"account_id": "%s", "amount": %d, "currency": "USD", "rail": "bank_transfer",
             "scheme": "swift"}
            """
                .formatted(fundingAccountId, amount),
            amount,
            true);
    moves.add(move);
    return move;
  }

  private Move newTransfer(ThreadLocalRandom random) {
    long amount = 1 + random.nextInt(1_000);
    Move move =
        new Move(
            "/v1/transfers",
            "chaos-tr-" + UUID.randomUUID(),
            """
            {"from_account_id": "%s", "to_account_id": "%s", "amount": %d, "currency": "USD"}
            """
                .formatted(fundingAccountId, setup.walletId(), amount),
            amount,
            false);
    moves.add(move);
    return move;
  }

  /** Sends (or resends) an authorization; true when an answer came. */
  boolean authorize(Sent sent) {
    Response r = send(() -> api.post("/v1/network/authorizations", networkKey, sent.body));
    if (r == null || r.status() != 200) {
      return false;
    }
    boolean approved = r.body().get("approved").asBoolean();
    String id = r.id();
    if (sent.id != null) {
      assertThat(id).as("a repeated network message gets the first answer").isEqualTo(sent.id);
      assertThat(approved).as("the repeat of %s", sent.ntid).isEqualTo(sent.approved);
    }
    sent.approved = approved;
    sent.id = id;
    return true;
  }

  /** Sends (or resends) a deposit or transfer with its key; true when it was answered 201. */
  boolean move(Move move) {
    Response r =
        send(() -> api.post(move.path, setup.key(), move.body, "Idempotency-Key", move.key));
    if (r == null || r.status() != 201) {
      return false;
    }
    if (move.id != null) {
      assertThat(r.id()).as("the replay of key %s", move.key).isEqualTo(move.id);
      assertThat(r.header("Idempotent-Replayed")).isEqualTo("true");
    }
    move.id = r.id();
    return true;
  }

  private Response send(java.util.function.Supplier<Response> request) {
    try {
      Response r = request.get();
      last = r.toString();
      statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
      answers.add(r.raw());
      if (r.status() >= 500) {
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.code()).isNotBlank();
      }
      return r;
    } catch (UncheckedIOException | IllegalStateException e) {
      last = e.toString();
      statuses.computeIfAbsent(-1, s -> new AtomicInteger()).incrementAndGet();
      return null;
    }
  }

  /**
   * Sends a request again, as a client does after no answer or a 503 with Retry-After, until it is
   * answered; right after a database restart the pool may still hand out a dead connection once.
   */
  private void retryUntilAnswered(java.util.concurrent.Callable<Boolean> request) {
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(60))
          .pollInterval(java.time.Duration.ofMillis(250))
          .until(request);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("a retried request was never answered; the last answer: " + last, e);
    }
  }

  /** The last answer (or failure) any request got, for the message of a failed retry. */
  private volatile String last;

  /** Retries every unanswered request, as it was, until it is answered; returns how many. */
  int resolveUnanswered() {
    int resolved = 0;
    for (Sent sent : authorizations) {
      if (sent.approved == null) {
        retryUntilAnswered(() -> authorize(sent));
        resolved++;
      }
    }
    for (Move move : moves) {
      if (move.id == null) {
        retryUntilAnswered(() -> move(move));
        resolved++;
      }
    }
    return resolved;
  }

  /**
   * Replays up to {@code count} answered requests of each kind; each must give its first answer.
   */
  void replaySome(int count) {
    List<Move> answered = moves.stream().filter(m -> m.id != null).toList();
    List<Sent> decided = authorizations.stream().filter(a -> a.id != null).toList();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < count && !answered.isEmpty(); i++) {
      assertThat(move(answered.get(random.nextInt(answered.size())))).isTrue();
    }
    for (int i = 0; i < count && !decided.isEmpty(); i++) {
      assertThat(authorize(decided.get(random.nextInt(decided.size())))).isTrue();
    }
  }

  /**
   * What the client was told against what the books hold, read straight from the database: each
   * authorization the client saw is recorded once with the same decision, an approval with its
   * hold; no hold on these cards lacks its authorization; each deposit and transfer the client saw
   * exists once; the funding account and wallet hold exactly what those moves add up to.
   */
  void assertBooksMatchWhatTheClientWasTold(JdbcClient db) {
    for (Sent sent : authorizations) {
      if (sent.approved == null) {
        continue;
      }
      Map<String, Object> row =
          db.sql(
                  """
                  SELECT a.id, a.approved, a.hold_id, h.id AS hold
                  FROM authorizations a LEFT JOIN holds h ON h.id = a.hold_id
                  WHERE a.network_transaction_id = :ntid
                  """)
              .param("ntid", sent.ntid)
              .query()
              .singleRow();
      assertThat(row.get("id")).as("authorization of %s", sent.ntid).isEqualTo(sent.id);
      assertThat(row.get("approved")).isEqualTo(sent.approved);
      if (sent.approved) {
        assertThat(row.get("hold")).as("the hold of approved %s", sent.ntid).isNotNull();
      } else {
        assertThat(row.get("hold_id")).as("a declined %s holds nothing", sent.ntid).isNull();
      }
    }
    List<String> cardAccounts = cards.stream().map(Plastic::accountId).toList();
    long orphanHolds =
        db.sql(
                """
                SELECT count(*) FROM holds h
                WHERE h.account_id IN (:accounts)
                  AND NOT EXISTS (SELECT 1 FROM authorizations a WHERE a.hold_id = h.id)
                """)
            .param("accounts", cardAccounts)
            .query(Long.class)
            .single();
    assertThat(orphanHolds).as("holds without the authorization that placed them").isZero();
    long holdsOnCards =
        db.sql("SELECT count(*) FROM holds WHERE account_id IN (:accounts)")
            .param("accounts", cardAccounts)
            .query(Long.class)
            .single();
    long approvedSeen =
        authorizations.stream().filter(a -> Boolean.TRUE.equals(a.approved)).count();
    assertThat(holdsOnCards).as("one hold per approval, no more").isEqualTo(approvedSeen);

    long deposits = 0;
    long transfers = 0;
    int depositCount = 0;
    int transferCount = 0;
    for (Move move : moves) {
      if (move.id == null) {
        continue;
      }
      String table = move.deposit ? "deposits" : "transfers";
      long rows =
          db.sql("SELECT count(*) FROM " + table + " WHERE id = :id")
              .param("id", move.id)
              .query(Long.class)
              .single();
      assertThat(rows).as("%s %s answered to key %s", table, move.id, move.key).isEqualTo(1);
      if (move.deposit) {
        deposits += move.amount;
        depositCount++;
      } else {
        transfers += move.amount;
        transferCount++;
      }
    }
    assertThat(
            db.sql(
                    "SELECT count(*) FROM deposits WHERE account_id = :a AND id NOT IN"
                        + " (SELECT id FROM deposits WHERE account_id = :a ORDER BY id LIMIT 1)")
                .param("a", fundingAccountId)
                .query(Long.class)
                .single())
        .as("deposits beyond the first one of the set-up")
        .isEqualTo(depositCount);
    assertThat(
            db.sql("SELECT count(*) FROM transfers WHERE from_account_id = :a")
                .param("a", fundingAccountId)
                .query(Long.class)
                .single())
        .as("transfers out of the funding account")
        .isEqualTo(transferCount);
    assertThat(ledger(fundingAccountId)).isEqualTo(fundingAtStart + deposits - transfers);
    assertThat(ledger(setup.walletId())).isEqualTo(walletAtStart + transfers);
  }

  /** The operator's proof that the books balance. */
  void assertLedgerVerifies() {
    JsonNode verify = expect(api.get("/v1/admin/ledger/verify", TestApi.OPERATOR_KEY), 200).body();
    assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
  }

  long answeredAuthorizations() {
    return authorizations.stream().filter(a -> a.approved != null).count();
  }
}
