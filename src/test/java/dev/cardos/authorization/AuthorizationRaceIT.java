package dev.cardos.authorization;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.authorization.Issuer.TestCard;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Many authorizations at the same instant on one card: together they can never hold more than the
 * balance, nor spend more than a limit, and the books still balance.
 */
@ServerTest
class AuthorizationRaceIT {

  private static final int THREADS = 64;
  private static final int REQUESTS = 200;
  private static final long AMOUNT = 100;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private TestApi api;
  private Issuer issuer;
  private ExecutorService pool;

  @BeforeEach
  void setUp() {
    api = new TestApi(port);
    issuer = Issuer.create(api);
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void twoHundredParallelAuthorizationsNeverHoldMoreThanTheBalance() throws Exception {
    TestCard card = issuer.b2cCard(10_000);

    List<Response> answers = race(i -> distinctMessage(card.id()));

    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(201));
    Map<String, Long> outcomes = outcomes(answers);
    assertThat(outcomes).containsEntry("approved", 100L).containsEntry("insufficient_funds", 100L);
    assertThat(outcomes).hasSize(2);
    JsonNode balances = issuer.balances(card.accountId());
    assertThat(balances.get("held").asLong()).isEqualTo(10_000);
    assertThat(balances.get("available").asLong()).isZero();
    assertThat(balances.get("ledger").asLong()).isEqualTo(10_000);
    assertThat(activeHoldCount(card.accountId())).isEqualTo(100);
    assertThat(storedApprovals(card.id())).isEqualTo(100);
    // Declines at the final check (the hold) charged no limit window.
    JsonNode day = cardDay(card.id());
    assertThat(day.get("amount_used").asLong()).isEqualTo(10_000);
    assertThat(day.get("count_used").asLong()).isEqualTo(100);
    assertThat(
            expect(api.get("/v1/admin/ledger/verify", OPERATOR_KEY), 200)
                .body()
                .get("ok")
                .asBoolean())
        .isTrue();
  }

  @Test
  void twoHundredParallelAuthorizationsNeverSpendMoreThanTheDailyLimit() throws Exception {
    TestCard card = issuer.b2cCard(1_000_000);
    issuer.putCardControls(card.id(), "{\"daily_limit\": 10000}");

    List<Response> answers = race(i -> distinctMessage(card.id()));

    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(201));
    Map<String, Long> outcomes = outcomes(answers);
    assertThat(outcomes)
        .containsEntry("approved", 100L)
        .containsEntry("daily_limit_exceeded", 100L);
    assertThat(outcomes).hasSize(2);
    JsonNode balances = issuer.balances(card.accountId());
    assertThat(balances.get("held").asLong()).isEqualTo(10_000);
    assertThat(balances.get("available").asLong()).isEqualTo(990_000);
    assertThat(activeHoldCount(card.accountId())).isEqualTo(100);
    JsonNode cardDay = cardDay(card.id());
    assertThat(cardDay.get("amount_used").asLong()).isEqualTo(10_000);
    assertThat(cardDay.get("count_used").asLong()).isEqualTo(100);
    assertThat(cardDay.get("amount_remaining").asLong()).isZero();
    assertThat(
            expect(api.get("/v1/admin/ledger/verify", OPERATOR_KEY), 200)
                .body()
                .get("ok")
                .asBoolean())
        .isTrue();
  }

  /** The card's own day window, as {@code GET /v1/cards/{id}/spend} shows it. */
  private JsonNode cardDay(String cardId) {
    JsonNode spend = expect(issuer.get("/v1/cards/" + cardId + "/spend"), 200).body();
    List<JsonNode> days = new ArrayList<>();
    for (JsonNode w : spend.get("windows")) {
      if (w.get("level").asString().equals("card") && w.get("window").asString().equals("day")) {
        days.add(w);
      }
    }
    assertThat(days).hasSize(1);
    return days.getFirst();
  }

  @Test
  void twoHundredParallelAuthorizationsNeverExceedTheDailyCount() throws Exception {
    TestCard card = issuer.b2cCard(1_000_000);
    issuer.putCardControls(card.id(), "{\"daily_limit\": 1000000, \"daily_count\": 100}");

    List<Response> answers = race(i -> distinctMessage(card.id()));

    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(201));
    assertThat(outcomes(answers)).containsEntry("approved", 100L);
    assertThat(activeHoldCount(card.accountId())).isEqualTo(100);
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isEqualTo(10_000);
  }

  @Test
  void declinesAtTheFinalCheckNameTheLimitThatRanOut() throws Exception {
    TestCard card = issuer.b2cCard(1_000_000);
    issuer.putCardControls(card.id(), "{\"daily_limit\": 1000000, \"daily_count\": 100}");

    List<Response> answers = race(i -> distinctMessage(card.id()));

    assertThat(outcomes(answers))
        .as("the count, not the amount, is what ran out")
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("approved", 100L, "velocity_count_exceeded", 100L));
  }

  @Test
  void theSameNetworkMessageSentManyTimesAtOnceIsAnsweredOnceAndHoldsOnce() throws Exception {
    TestCard card = issuer.b2cCard(10_000);
    String body =
        Issuer.authorization(
            card.id(),
            2_500,
            "USD",
            "pos",
            "m_race",
            "5411",
            "US",
            ", \"network_transaction_id\": \"ntx_" + UUID.randomUUID() + "\"");

    List<Response> answers = race(16, i -> body);

    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(201));
    assertThat(answers.stream().map(r -> r.body().get("id").asString()).distinct()).hasSize(1);
    assertThat(answers.getFirst().body().get("approved").asBoolean()).isTrue();
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isEqualTo(2_500);
    assertThat(activeHoldCount(card.accountId())).isEqualTo(1);
  }

  // ------------------------------------------------------------------ helpers

  /** A grocery payment of {@link #AMOUNT} with a network transaction id of its own. */
  private static String distinctMessage(String cardId) {
    return Issuer.authorization(
        cardId,
        AMOUNT,
        "USD",
        "pos",
        "m_race",
        "5411",
        "US",
        ", \"network_transaction_id\": \"ntx_" + UUID.randomUUID() + "\"");
  }

  private List<Response> race(IntFunction<String> bodies) throws Exception {
    return race(REQUESTS, bodies);
  }

  /** Sends {@code count} authorizations from {@link #THREADS} threads released together. */
  private List<Response> race(int count, IntFunction<String> bodies) throws Exception {
    CountDownLatch ready = new CountDownLatch(Math.min(count, THREADS));
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String body = bodies.apply(i);
      futures.add(
          pool.submit(
              () -> {
                ready.countDown();
                start.await();
                return issuer.post("/v1/simulate/authorizations", body);
              }));
    }
    assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
    start.countDown();
    List<Response> answers = new ArrayList<>();
    for (Future<Response> f : futures) {
      answers.add(f.get(120, TimeUnit.SECONDS));
    }
    return answers;
  }

  /** How many answers were approvals, and how many declines per reason. */
  private static Map<String, Long> outcomes(List<Response> answers) {
    return answers.stream()
        .map(Response::body)
        .collect(
            Collectors.groupingBy(
                b ->
                    b.get("approved").asBoolean() ? "approved" : b.get("decline_reason").asString(),
                Collectors.counting()));
  }

  private long activeHoldCount(String accountId) {
    return jdbc.sql("SELECT count(*) FROM holds WHERE account_id = :a AND status = 'active'")
        .param("a", accountId)
        .query(Long.class)
        .single();
  }

  private long storedApprovals(String cardId) {
    return jdbc.sql("SELECT count(*) FROM authorizations WHERE card_id = :c AND approved")
        .param("c", cardId)
        .query(Long.class)
        .single();
  }
}
