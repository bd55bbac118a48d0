package dev.cardos.funding;

import static dev.cardos.funding.FundingTenant.fields;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.funding.FundingTenant.Event;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/simulate/deposits} and {@code GET /v1/deposits/{id}} (SPEC §3 funding flows): the
 * rails and what each needs, the tenant's deposit fee as entries of its own, refusals that write
 * nothing, idempotent replay, and the outbox events.
 */
@ServerTest
class DepositsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A stablecoin fee of 10.00 USD plus 1.5 %. */
  private static final String STABLECOIN_FEE =
      """
      [{"kind": "deposit", "rail": "stablecoin", "currency": "USD",
        "fixed_amount": 1000, "percent": "1.5"}]
      """;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private TestApi api;

  @BeforeEach
  void connect() {
    api = new TestApi(port);
  }

  @Test
  void aStablecoinDepositCreditsTheAmountAndChargesTheFeeToFeeRevenue() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    tenant.feeRules(STABLECOIN_FEE);
    String account = tenant.funding("USD");

    Response deposit = expect(stablecoin(tenant, account, "10000", "usdc", "ethereum"), 201);

    // 1000 fixed + 1.5 % of 10000 (150) = 1150; 10000 - 1150 = 8850.
    JsonNode body = deposit.body();
    assertThat(deposit.id()).startsWith("dep_");
    assertThat(body.get("amount").asLong()).isEqualTo(10_000);
    assertThat(body.get("fee_amount").asLong()).isEqualTo(1_150);
    assertThat(body.get("net_amount").asLong()).isEqualTo(8_850);
    assertThat(deposit.text("currency")).isEqualTo("USD");
    assertThat(deposit.text("account_id")).isEqualTo(account);
    assertThat(deposit.text("rail")).isEqualTo("stablecoin");
    assertThat(deposit.text("asset")).isEqualTo("usdc");
    assertThat(deposit.text("chain")).isEqualTo("ethereum");
    assertThat(deposit.text("status")).isEqualTo("credited");
    assertThat(expect(tenant.get("/v1/deposits/" + deposit.id()), 200).body()).isEqualTo(body);

    JsonNode balances = tenant.balances(account);
    assertThat(balances.get("ledger").asLong()).isEqualTo(8_850);
    assertThat(balances.get("held").asLong()).isZero();
    assertThat(balances.get("available").asLong()).isEqualTo(8_850);

    List<JsonNode> entries = tenant.entries(account);
    assertThat(entries).extracting(e -> e.get("amount").asLong()).containsExactly(-1_150L, 10_000L);
    assertThat(entries)
        .extracting(e -> e.get("balance_after").asLong())
        .containsExactly(8_850L, 10_000L);
    assertThat(entries)
        .allSatisfy(
            e -> {
              assertThat(e.get("reference_id").asString()).isEqualTo(deposit.id());
              assertThat(e.get("posting_id").asString()).isEqualTo(deposit.text("posting_id"));
            });

    // The other side in the tables: settlement paid 10000, fee revenue earned 1150.
    assertThat(tenant.systemBalance(jdbc, "fee_revenue", "USD")).isEqualTo(1_150);
    assertThat(tenant.systemBalance(jdbc, "settlement", "USD")).isEqualTo(-10_000);
    assertThat(
            jdbc.sql(
                    """
                    SELECT a.kind || ':' || e.amount FROM entries e
                    JOIN accounts a ON a.id = e.account_id
                    WHERE e.posting_id = :posting ORDER BY e.id
                    """)
                .param("posting", deposit.text("posting_id"))
                .query(String.class)
                .list())
        .containsExactly("settlement:-10000", "funding:10000", "funding:-1150", "fee_revenue:1150");
    assertThat(
            jdbc.sql("SELECT ledger_balance FROM accounts WHERE id = :id")
                .param("id", account)
                .query(Long.class)
                .single())
        .isEqualTo(8_850);
    assertThat(
            jdbc.sql("SELECT fee_amount || '/' || net_amount FROM deposits WHERE id = :id")
                .param("id", deposit.id())
                .query(String.class)
                .single())
        .isEqualTo("1150/8850");
  }

  @Test
  void aRuleForTheRailBeatsARuleForAnyRail() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    tenant.feeRules(
        """
        [{"kind": "deposit", "currency": "USD", "fixed_amount": 1000, "percent": "1.5"},
         {"kind": "deposit", "rail": "stablecoin", "currency": "USD",
          "fixed_amount": 200, "percent": "0.5"}]
        """);
    String account = tenant.funding("USD");

    Response byStablecoin = expect(stablecoin(tenant, account, "10000", "usdt", "solana"), 201);
    Response bySwift = expect(tenant.depositSwift(account, 10_000, "USD"), 201);

    // The stablecoin rule: 200 + 0.5 % of 10000 = 250. Any rail: 1000 + 1.5 % = 1150.
    assertThat(byStablecoin.body().get("fee_amount").asLong()).isEqualTo(250);
    assertThat(bySwift.body().get("fee_amount").asLong()).isEqualTo(1_150);
    assertThat(tenant.ledger(account)).isEqualTo(20_000 - 250 - 1_150);
    assertThat(tenant.systemBalance(jdbc, "fee_revenue", "USD")).isEqualTo(1_400);
    // A rule in another currency does not apply.
    String eur = tenant.funding("EUR");
    assertThat(
            expect(tenant.depositSwift(eur, 10_000, "EUR"), 201).body().get("fee_amount").asLong())
        .isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          bank transfer without scheme       | EUR | "rail": "bank_transfer"                                      | scheme
          SEPA in USD                        | USD | "rail": "bank_transfer", "scheme": "sepa"                    | currency
          bank transfer with an asset        | EUR | "rail": "bank_transfer", "scheme": "swift", "asset": "usdc"  | asset
          stablecoin in EUR                  | EUR | "rail": "stablecoin", "asset": "usdc", "chain": "ethereum"   | currency
          stablecoin without asset           | USD | "rail": "stablecoin", "chain": "ethereum"                    | asset
          stablecoin without chain           | USD | "rail": "stablecoin", "asset": "usdt"                        | chain
          stablecoin with a scheme           | USD | "rail": "stablecoin", "asset": "usdt", "chain": "solana", "scheme": "swift" | scheme
          stablecoin of an unknown asset     | USD | "rail": "stablecoin", "asset": "dai", "chain": "ethereum"    | asset
          stablecoin on an unknown chain     | USD | "rail": "stablecoin", "asset": "usdt", "chain": "bitcoin"    | chain
          an unknown rail                    | USD | "rail": "cash"                                               | rail
          """)
  void eachRailNeedsItsOwnDetails(String name, String currency, String rail, String field) {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String account = tenant.funding(currency);

    Response refused =
        tenant.post(
            "/v1/simulate/deposits",
            "{\"account_id\": \"%s\", \"amount\": 10000, \"currency\": \"%s\", %s}"
                .formatted(account, currency, rail));

    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("validation_failed");
    assertThat(fields(refused)).containsExactly(field);
    assertNothingPosted(tenant, account);
  }

  @Test
  void eachRailAcceptsItsOwnDetails() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String eur = tenant.funding("EUR");
    String usd = tenant.funding("USD");

    Response sepa =
        expect(
            tenant.post(
                "/v1/simulate/deposits",
                """
                {"account_id": "%s", "amount": 4200, "currency": "EUR", "rail": "bank_transfer",
                 "scheme": "sepa", "reference": "INV-7"}
                """
                    .formatted(eur)),
            201);
    assertThat(sepa.text("scheme")).isEqualTo("sepa");
    assertThat(sepa.text("reference")).isEqualTo("INV-7");
    assertThat(sepa.text("asset")).isNull();
    Response swift = expect(tenant.depositSwift(usd, 4300, "USD"), 201);
    assertThat(swift.text("scheme")).isEqualTo("swift");
    Response usdt = expect(stablecoin(tenant, usd, "4400", "usdt", "solana"), 201);
    assertThat(usdt.text("asset")).isEqualTo("usdt");
    assertThat(usdt.text("chain")).isEqualTo("solana");

    assertThat(tenant.ledger(eur)).isEqualTo(4_200);
    assertThat(tenant.ledger(usd)).isEqualTo(8_700);
  }

  @Test
  void aDepositInAnotherCurrencyThanTheAccountsIsACurrencyMismatch() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String account = tenant.funding("USD");

    Response refused = tenant.depositSwift(account, 10_000, "EUR");

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("currency_mismatch");
    assertThat(fields(refused)).containsExactly("currency");
    assertNothingPosted(tenant, account);
  }

  @Test
  void aDepositIntoASystemAccountIsNotFound() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    tenant.fund(tenant.funding("USD"), 1_000, "USD");
    String settlement =
        jdbc.sql("SELECT id FROM accounts WHERE tenant_id = :tenant AND kind = 'settlement'")
            .param("tenant", tenant.id)
            .query(String.class)
            .single();
    long postings = tenant.count(jdbc, "postings");

    Response refused = tenant.depositSwift(settlement, 1_000, "USD");

    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.code()).isEqualTo("resource_not_found");
    assertThat(tenant.count(jdbc, "postings")).isEqualTo(postings);
  }

  @Test
  void aLiveKeyCannotSimulateADeposit() {
    FundingTenant live = FundingTenant.create(api, "live");
    String account = live.funding("USD");

    Response refused = live.depositSwift(account, 10_000, "USD");

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("live_mode_unsupported");
    assertThat(live.ledger(account)).isZero();
    assertThat(live.count(jdbc, "deposits")).isZero();
    assertThat(live.count(jdbc, "postings")).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-1",
        "12.5",
        "\"100\"",
        "10000000000000000",
        "99999999999999999999999",
        "null"
      })
  void aBadAmountIsRefusedNamingTheAmountAndWritesNothing(String amount) {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String account = tenant.funding("USD");

    Response refused = stablecoin(tenant, account, amount, "usdc", "ethereum");

    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("validation_failed");
    assertThat(fields(refused)).containsExactly("amount");
    assertNothingPosted(tenant, account);
  }

  @Test
  void theLargestAcceptedAmountIsTenToTheFifteenth() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String account = tenant.funding("USD");

    expect(stablecoin(tenant, account, "1000000000000000", "usdc", "ethereum"), 201);
    Response over = stablecoin(tenant, account, "1000000000000001", "usdc", "ethereum");

    assertThat(tenant.ledger(account)).isEqualTo(1_000_000_000_000_000L);
    assertThat(over.status()).isEqualTo(400);
    assertThat(fields(over)).containsExactly("amount");
  }

  @Test
  void aFeeLargerThanTheAmountIsRefusedAndWritesNothing() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    tenant.feeRules(STABLECOIN_FEE);
    String account = tenant.funding("USD");

    // 1000 + 1.5 % of 999 (15) = 1015 > 999.
    Response refused = stablecoin(tenant, account, "999", "usdc", "ethereum");

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("fee_exceeds_amount");
    assertNothingPosted(tenant, account);
    assertThat(tenant.systemBalance(jdbc, "fee_revenue", "USD")).isNull();

    // A fee equal to the amount leaves nothing, and is taken: 1000 + 1.5 % of 1015 (15.225, so 15)
    // = 1015.
    Response equal = expect(stablecoin(tenant, account, "1015", "usdc", "ethereum"), 201);
    assertThat(equal.body().get("fee_amount").asLong()).isEqualTo(1_015);
    assertThat(equal.body().get("net_amount").asLong()).isZero();
    assertThat(tenant.ledger(account)).isZero();
  }

  @Test
  void aReplayWithTheSameIdempotencyKeyReturnsTheSameDepositAndPostsOnce() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    tenant.feeRules(STABLECOIN_FEE);
    String account = tenant.funding("USD");
    String key = UUID.randomUUID().toString();
    String body =
        """
        {"account_id": "%s", "amount": 10000, "currency": "USD", "rail": "stablecoin",
         "asset": "usdc", "chain": "ethereum"}
        """
            .formatted(account);

    Response first =
        expect(tenant.post("/v1/simulate/deposits", body, "Idempotency-Key", key), 201);
    Response replay =
        expect(tenant.post("/v1/simulate/deposits", body, "Idempotency-Key", key), 201);

    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replay.id()).isEqualTo(first.id());
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(tenant.ledger(account)).isEqualTo(8_850);
    assertThat(tenant.entries(account)).hasSize(2);
    assertThat(tenant.count(jdbc, "deposits")).isEqualTo(1);
    assertThat(tenant.count(jdbc, "postings")).isEqualTo(1);
    assertThat(tenant.events(jdbc)).extracting(Event::type).containsExactly("deposit.received");

    Response otherBody =
        tenant.post(
            "/v1/simulate/deposits", body.replace("10000", "20000"), "Idempotency-Key", key);
    assertThat(otherBody.status()).isEqualTo(422);
    assertThat(otherBody.code()).isEqualTo("idempotency_key_reused");
    assertThat(tenant.ledger(account)).isEqualTo(8_850);
  }

  @Test
  void aDepositWritesDepositReceivedAndAWalletDepositAlsoWalletCredited() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String documentNumber = "DOC-" + UUID.randomUUID().toString().substring(0, 8);
    String cardholder = tenant.cardholder("event-owner", "national_id", documentNumber);
    String funding = tenant.funding("USD");
    String wallet = tenant.wallet(cardholder, "USD");

    Response toFunding = expect(tenant.depositSwift(funding, 3_000, "USD"), 201);
    Response toWallet = expect(stablecoin(tenant, wallet, "2000", "usdt", "ethereum"), 201);

    List<Event> events = tenant.events(jdbc);
    assertThat(events)
        .extracting(e -> e.type() + " " + e.objectId())
        .containsExactly(
            "deposit.received " + toFunding.id(),
            "deposit.received " + toWallet.id(),
            "wallet.credited " + wallet);
    assertThat(events.get(0).data()).contains(toFunding.id(), funding);
    assertThat(JSON.readTree(events.get(0).data()).get("amount").asLong()).isEqualTo(3000);
    assertThat(events.get(2).data()).contains(toWallet.id(), wallet);
    assertThat(JSON.readTree(events.get(2).data()).get("net_amount").asLong()).isEqualTo(2000);
    assertThat(events).allSatisfy(e -> assertThat(e.data()).doesNotContain(documentNumber));
    assertThat(tenant.ledger(wallet)).isEqualTo(2_000);
  }

  @Test
  void anotherTenantsDepositIsNotFound() {
    FundingTenant owner = FundingTenant.create(api, "test");
    FundingTenant stranger = FundingTenant.create(api, "test");
    Response deposit = expect(owner.depositSwift(owner.funding("USD"), 500, "USD"), 201);

    Response foreign = stranger.get("/v1/deposits/" + deposit.id());

    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.code()).isEqualTo("resource_not_found");
    expect(owner.get("/v1/deposits/" + deposit.id()), 200);
  }

  private static Response stablecoin(
      FundingTenant tenant, String account, String amount, String asset, String chain) {
    return tenant.post(
        "/v1/simulate/deposits",
        """
        {"account_id": "%s", "amount": %s, "currency": "USD", "rail": "stablecoin",
         "asset": "%s", "chain": "%s"}
        """
            .formatted(account, amount, asset, chain));
  }

  private void assertNothingPosted(FundingTenant tenant, String account) {
    assertThat(tenant.count(jdbc, "deposits")).isZero();
    assertThat(tenant.count(jdbc, "postings")).isZero();
    assertThat(tenant.entryCount(jdbc)).isZero();
    assertThat(tenant.events(jdbc)).isEmpty();
    assertThat(tenant.ledger(account)).isZero();
  }
}
