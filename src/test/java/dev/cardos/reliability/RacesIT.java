package dev.cardos.reliability;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.authorization.Payments;
import dev.cardos.authorization.Payments.FundedCard;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Races a client, a network or a load balancer's retry can start: each money-moving request sent
 * many times at once with the same Idempotency-Key (or, for the network, the same transaction id)
 * has the effect of one request: the same postings, holds, events and rows as a single request of
 * its kind, and every copy that succeeds answers with the same object. And a freeze racing a stream
 * of authorizations: no authorization sent after the freeze was acknowledged is approved.
 */
@ServerTest
class RacesIT {

  private static final int COPIES = 8;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private Payments payments;
  private TestApi api;
  private ExecutorService pool;
  private String networkKey;

  @BeforeEach
  void setUp() {
    payments = new Payments(port, jdbc);
    api = payments.api;
    pool = Executors.newFixedThreadPool(COPIES);
    networkKey = payments.networkKey();
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
    payments.assertBooksBalance();
  }

  /** What one request may change, counted for the tenant. */
  private record Effect(
      long postings, long entries, long holds, long holdOps, long events, long rows) {}

  private Effect effect(String tenantId) {
    return jdbc.sql(
            """
            SELECT
              (SELECT count(*) FROM postings WHERE tenant_id = :t),
              (SELECT count(*) FROM entries e JOIN postings p ON p.id = e.posting_id
                 WHERE p.tenant_id = :t),
              (SELECT count(*) FROM holds WHERE tenant_id = :t),
              (SELECT count(*) FROM hold_operations o JOIN holds h ON h.id = o.hold_id
                 WHERE h.tenant_id = :t),
              (SELECT count(*) FROM events WHERE tenant_id = :t),
              (SELECT count(*) FROM deposits WHERE tenant_id = :t)
                + (SELECT count(*) FROM transfers WHERE tenant_id = :t)
                + (SELECT count(*) FROM authorizations WHERE tenant_id = :t)
                + (SELECT count(*) FROM authorization_adjustments a
                     JOIN authorizations z ON z.id = a.authorization_id WHERE z.tenant_id = :t)
                + (SELECT count(*) FROM transactions WHERE tenant_id = :t)
                + (SELECT count(*) FROM disputes WHERE tenant_id = :t)
            """)
        .param("t", tenantId)
        .query(
            (rs, n) ->
                new Effect(
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getLong(6)))
        .single();
  }

  private static Effect minus(Effect a, Effect b) {
    return new Effect(
        a.postings - b.postings,
        a.entries - b.entries,
        a.holds - b.holds,
        a.holdOps - b.holdOps,
        a.events - b.events,
        a.rows - b.rows);
  }

  private List<Response> atOnce(Callable<Response> request) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> futures = new ArrayList<>();
    for (int i = 0; i < COPIES; i++) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return request.call();
              }));
    }
    start.countDown();
    List<Response> answers = new ArrayList<>();
    for (Future<Response> f : futures) {
      answers.add(f.get());
    }
    return answers;
  }

  /**
   * Sends {@code COPIES} identical requests at once and then one fresh request of the same kind;
   * the copies must together change exactly what the single one changed, and agree on the answer.
   * {@code request} builds the request for a given idempotency key or transaction id.
   */
  private void oneEffect(String what, String tenantId, Function<String, Response> request)
      throws Exception {
    String shared = "race-" + UUID.randomUUID();
    Effect before = effect(tenantId);
    List<Response> answers = atOnce(() -> request.apply(shared));
    Effect afterCopies = effect(tenantId);
    Response single = request.apply("race-" + UUID.randomUUID());
    Effect afterSingle = effect(tenantId);

    assertThat(single.status()).as(what + ": " + single).isBetween(200, 201);
    assertThat(answers)
        .as(what)
        .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(single.status()));
    assertThat(answers.stream().map(Response::id).distinct()).as(what + " answers").hasSize(1);
    assertThat(minus(afterCopies, before))
        .as(what + ": %d copies at once change what one request changes", COPIES)
        .isEqualTo(minus(afterSingle, afterCopies));
  }

  private Response idempotent(String path, String key, String body, String idempotencyKey) {
    return api.post(path, key, body, "Idempotency-Key", idempotencyKey);
  }

  @Test
  void everyMoneyMovingRequestSentManyTimesAtOnceWithOneKeyHasOneEffect() throws Exception {
    FundedCard card = payments.card(10_000_000);
    String key = card.key();
    String tenant = card.tenantId();
    String funding =
        expect(api.post("/v1/accounts", key, "{\"kind\": \"funding\", \"currency\": \"USD\"}"), 201)
            .id();
    payments.fixtures.deposit(key, funding, 10_000_000);
    String wallet = card.setup().walletId();

    oneEffect(
        "deposit",
        tenant,
        k ->
            idempotent(
                "/v1/simulate/deposits",
                key,
                "{\"account_id\": \"%s\", \"amount\": 700, \"currency\": \"USD\", \"rail\":"
                        .formatted(funding)
                    + " \"bank_transfer\", \"scheme\": \"swift\"}",
                k));
    oneEffect(
        "transfer",
        tenant,
        k ->
            idempotent(
                "/v1/transfers",
                key,
                "{\"from_account_id\": \"%s\", \"to_account_id\": \"%s\", \"amount\": 300, \"currency\": \"USD\"}"
                    .formatted(funding, wallet),
                k));
    oneEffect(
        "fund",
        tenant,
        k ->
            idempotent(
                "/v1/cards/" + card.id() + "/fund",
                key,
                "{\"amount\": 200, \"currency\": \"USD\"}",
                k));
    oneEffect(
        "withdraw",
        tenant,
        k ->
            idempotent(
                "/v1/cards/" + card.id() + "/withdraw",
                key,
                "{\"amount\": 100, \"currency\": \"USD\"}",
                k));
    oneEffect(
        "simulated refund",
        tenant,
        k ->
            idempotent(
                "/v1/simulate/refunds",
                key,
                "{\"card_id\": \"%s\", \"amount\": 150, \"currency\": \"USD\"}"
                    .formatted(card.id()),
                k));
    oneEffect(
        "simulated force post",
        tenant,
        k ->
            idempotent(
                "/v1/simulate/force-posts",
                key,
                "{\"card_id\": \"%s\", \"amount\": 150, \"currency\": \"USD\"}"
                    .formatted(card.id()),
                k));
    // Follow-ups of one authorization each: increment, partial reversal, clearing.
    for (String step : List.of("increment", "reverse", "clear")) {
      oneEffect(
          "simulated " + step,
          tenant,
          k -> {
            String auth = authIdFor(k, () -> payments.approve(card, 1_000).get("id").asString());
            return idempotent(
                "/v1/simulate/authorizations/" + auth + "/" + step, key, "{\"amount\": 200}", k);
          });
    }
    oneEffect(
        "dispute",
        tenant,
        k -> {
          String txn =
              authIdFor(
                  k,
                  () -> {
                    String auth = payments.approve(card, 900).get("id").asString();
                    return expect(
                            api.post("/v1/simulate/authorizations/" + auth + "/clear", key, null),
                            201)
                        .id();
                  });
          return idempotent(
              "/v1/disputes",
              key,
              "{\"transaction_id\": \"%s\", \"reason\": \"duplicate\", \"amount\": 100}"
                  .formatted(txn),
              k);
        });
  }

  /**
   * The object a race works on, made once per key before the copies are sent: copies sharing a key
   * must also share their target, and the single comparison request needs a fresh one.
   */
  private final Map<String, String> targets = new java.util.concurrent.ConcurrentHashMap<>();

  private String authIdFor(String key, java.util.function.Supplier<String> create) {
    return targets.computeIfAbsent(key, k -> create.get());
  }

  @Test
  void everyNetworkMessageSentManyTimesAtOnceHasOneEffect() throws Exception {
    FundedCard card = payments.card(10_000_000);
    String tenant = card.tenantId();
    JsonNode s = expect(api.get("/v1/cards/" + card.id() + "/sensitive", card.key()), 200).body();
    String pan = s.get("pan").asString();
    String expiry =
        "%02d%02d".formatted(s.get("exp_year").asInt() % 100, s.get("exp_month").asInt());
    String cvv2 = s.get("cvv2").asString();
    String merchant =
        "{\"id\": \"M1\", \"name\": \"Shop\", \"mcc\": \"5411\", \"city\": \"Austin\","
            + " \"country\": \"US\"}";
    Function<String, String> authorization =
        ntid ->
            ("{\"network_transaction_id\": \"%s\", \"pan\": \"%s\", \"expiry\": \"%s\","
                    + " \"cvv2\": \"%s\", \"amount\": 1000, \"currency\": \"USD\", \"channel\":"
                    + " \"ecommerce\", \"merchant\": %s}")
                .formatted(ntid, pan, expiry, cvv2, merchant);

    oneEffect(
        "network authorization",
        tenant,
        ntid -> api.post("/v1/network/authorizations", networkKey, authorization.apply(ntid)));
    for (String[] step :
        new String[][] {
          {"increments", ", \"amount\": 100"},
          {"reversals", ", \"amount\": 100"},
          {"clearings", ", \"amount\": 500, \"currency\": \"USD\", \"final_clearing\": false"}
        }) {
      oneEffect(
          "network " + step[0],
          tenant,
          ntid -> {
            String original =
                authIdFor(
                    ntid,
                    () -> {
                      String o = "orig-" + UUID.randomUUID();
                      expect(
                          api.post(
                              "/v1/network/authorizations", networkKey, authorization.apply(o)),
                          200);
                      return o;
                    });
            return api.post(
                "/v1/network/" + step[0],
                networkKey,
                "{\"network_transaction_id\": \"%s\", \"original_network_transaction_id\": \"%s\"%s}"
                    .formatted(ntid, original, step[1]));
          });
    }
    oneEffect(
        "network refund",
        tenant,
        ntid ->
            api.post(
                "/v1/network/refunds",
                networkKey,
                "{\"network_transaction_id\": \"%s\", \"pan\": \"%s\", \"amount\": 100, \"currency\": \"USD\", \"merchant\": %s}"
                    .formatted(ntid, pan, merchant)));
  }

  @Test
  void noAuthorizationSentAfterAFreezeWasAcknowledgedIsApproved() throws Exception {
    int rounds = 15;
    int approvedBeforeFreeze = 0;
    int declinedAfterFreeze = 0;
    for (int round = 0; round < rounds; round++) {
      FundedCard card = payments.card(10_000_000);
      java.util.concurrent.atomic.AtomicBoolean frozen =
          new java.util.concurrent.atomic.AtomicBoolean();
      List<Future<List<boolean[]>>> streams = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int t = 0; t < 4; t++) {
        streams.add(
            pool.submit(
                () -> {
                  go.await();
                  List<boolean[]> seen = new ArrayList<>();
                  for (int i = 0; i < 12; i++) {
                    // Read the flag before sending: true means the freeze was acknowledged first.
                    boolean sentAfterFreeze = frozen.get();
                    JsonNode a =
                        expect(
                                api.post(
                                    "/v1/simulate/authorizations",
                                    card.key(),
                                    Payments.authorizationJson(card.id(), 100, "")),
                                201)
                            .body();
                    seen.add(new boolean[] {sentAfterFreeze, a.get("approved").asBoolean()});
                  }
                  return seen;
                }));
      }
      go.countDown();
      expect(api.post("/v1/cards/" + card.id() + "/freeze", card.key(), null), 200);
      frozen.set(true);
      for (Future<List<boolean[]>> stream : streams) {
        for (boolean[] seen : stream.get()) {
          if (seen[0]) {
            assertThat(seen[1]).as("an authorization sent after the freeze answered").isFalse();
            declinedAfterFreeze++;
          } else if (seen[1]) {
            approvedBeforeFreeze++;
          }
        }
      }
    }
    System.out.printf(
        "RacesIT: %d freeze races; %d approvals before the freeze, %d declines after it%n",
        rounds, approvedBeforeFreeze, declinedAfterFreeze);
    assertThat(declinedAfterFreeze).as("the race was run").isPositive();
  }
}
