package dev.cardos.funding;

import static dev.cardos.funding.FundingTenant.ids;
import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * SPEC §3: "available never goes below zero ... this holds under any concurrency". Many clients
 * spend one wallet at once over HTTP; exactly as many transfers succeed as the balance covers.
 */
@ServerTest
class TransferRaceIT {

  private static final int THREADS = 64;
  private static final int TRANSFERS_PER_THREAD = 5;
  private static final long FUNDED = 10_000;
  private static final long AMOUNT = 137;
  private static final long COVERED = FUNDED / AMOUNT; // 72

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Test
  void concurrentTransfersSpendExactlyWhatTheWalletHoldsAndNeverMore() throws Exception {
    TestApi api = new TestApi(port);
    FundingTenant tenant = FundingTenant.createUnthrottled(api);
    String source = tenant.wallet(tenant.cardholder("spender"), "USD");
    String target = tenant.funding("USD");
    tenant.fund(source, FUNDED, "USD");

    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Response>>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
      for (int t = 0; t < THREADS; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  List<Response> mine = new ArrayList<>();
                  for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                    mine.add(tenant.transfer(source, target, AMOUNT, "USD"));
                  }
                  return mine;
                }));
      }
      start.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
    }
    List<Response> responses = new ArrayList<>();
    for (Future<List<Response>> result : results) {
      responses.addAll(result.get());
    }

    assertThat(responses).hasSize(THREADS * TRANSFERS_PER_THREAD);
    Map<String, Long> outcomes =
        responses.stream()
            .collect(
                Collectors.groupingBy(
                    r -> r.status() + (r.status() == 201 ? "" : " " + r.code()),
                    Collectors.counting()));
    assertThat(outcomes)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "201",
                COVERED,
                "409 insufficient_funds",
                THREADS * TRANSFERS_PER_THREAD - COVERED));

    long left = FUNDED - COVERED * AMOUNT; // 136
    assertThat(tenant.balances(source).get("available").asLong()).isEqualTo(left);
    assertThat(tenant.balances(source).get("ledger").asLong()).isEqualTo(left);
    assertThat(tenant.ledger(target)).isEqualTo(COVERED * AMOUNT);
    assertThat(tenant.count(jdbc, "transfers")).isEqualTo(COVERED);

    // The source's statement, oldest first: one credit, then 72 debits, each running balance the
    // previous plus the entry, none below zero.
    List<long[]> statement =
        jdbc.sql("SELECT amount, balance_after FROM entries WHERE account_id = :id ORDER BY id")
            .param("id", source)
            .query((rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)})
            .list();
    assertThat(statement).hasSize((int) COVERED + 1);
    long running = 0;
    for (long[] entry : statement) {
      running += entry[0];
      assertThat(entry[1]).isEqualTo(running).isNotNegative();
    }
    assertThat(statement.stream().skip(1).map(e -> e[0])).allMatch(amount -> amount == -AMOUNT);
    assertThat(responses.stream().filter(r -> r.status() == 201).map(Response::id).toList())
        .hasSize((int) COVERED)
        .doesNotHaveDuplicates();

    assertThat(tenant.events(jdbc))
        .filteredOn(e -> e.type().equals("transfer.completed"))
        .hasSize((int) COVERED);
    assertBooksBalance(api);
  }

  /**
   * The first platform transfers to a cardholder open their wallet. When several arrive at once,
   * each must still arrive (in the one wallet), not fail because another opened it first.
   */
  @Test
  void concurrentFirstPlatformTransfersToACardholderAllArriveInOneWallet() throws Exception {
    TestApi api = new TestApi(port);
    FundingTenant tenant = FundingTenant.createUnthrottled(api);
    String senderWallet = tenant.wallet(tenant.cardholder("sender"), "USD");
    tenant.fund(senderWallet, FUNDED, "USD");
    String receiver = tenant.cardholder("receiver", "passport", "PASS-0001");
    String body =
        """
        {"from_account_id": "%s", "amount": 100, "currency": "USD",
         "to_cardholder": {"cardholder_id": "%s", "reference": "receiver",
                           "document_type": "passport", "document_number": "PASS-0001"}}
        """
            .formatted(senderWallet, receiver);
    int senders = 16;

    CountDownLatch start = new CountDownLatch(1);
    List<Future<Response>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
      for (int i = 0; i < senders; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return tenant.post("/v1/transfers", body);
                }));
      }
      start.countDown();
    }
    List<Response> responses = new ArrayList<>();
    for (Future<Response> result : results) {
      responses.add(result.get());
    }

    assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(201));
    List<String> wallets = ids(expect(tenant.get("/v1/accounts?cardholder_id=" + receiver), 200));
    assertThat(wallets).hasSize(1);
    assertThat(responses).allMatch(r -> r.text("to_account_id").equals(wallets.getFirst()));
    assertThat(tenant.ledger(wallets.getFirst())).isEqualTo(100L * senders);
    assertThat(tenant.ledger(senderWallet)).isEqualTo(FUNDED - 100L * senders);
    assertBooksBalance(api);
  }

  private static void assertBooksBalance(TestApi api) {
    Response verify = expect(api.get("/v1/admin/ledger/verify", OPERATOR_KEY), 200);
    assertThat(verify.body().get("ok").asBoolean()).as(verify.toString()).isTrue();
  }
}
