package dev.cardos.funding;

import static dev.cardos.funding.FundingTenant.fields;
import static dev.cardos.funding.FundingTenant.ids;
import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.funding.FundingTenant.Event;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/transfers} (SPEC §3 funding flows, §2 money and FX): exact amounts, the tenant's
 * transfer fee as entries of its own, refusals that post nothing, platform transfers verified by
 * four elements, conversions at the operator's rate less the tenant's markup, idempotent replay,
 * the outbox events, and books that still balance.
 */
@ServerTest
class TransfersIT {

  /** 0.25 USD plus 1 % of the amount. */
  private static final String TRANSFER_FEE =
      """
      [{"kind": "transfer", "currency": "USD", "fixed_amount": 25, "percent": "1"}]
      """;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private TestApi api;

  @BeforeEach
  void connect() {
    api = new TestApi(port);
  }

  @Test
  void fundingToWalletAndWalletToWalletMoveExactAmountsAndChargeTheFeeSeparately() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String funding = tenant.funding("USD");
    tenant.fund(funding, 100_000, "USD");
    tenant.feeRules(TRANSFER_FEE);
    String alice = tenant.wallet(tenant.cardholder("alice"), "USD");
    String bob = tenant.wallet(tenant.cardholder("bob"), "USD");

    Response first = expect(tenant.transfer(funding, alice, 50_000, "USD"), 201);
    // 25 + 1 % of 12250 (122.5, half-up 123) = 148.
    Response second = expect(tenant.transfer(alice, bob, 12_250, "USD"), 201);

    JsonNode t = first.body();
    assertThat(first.id()).startsWith("tr_");
    assertThat(first.text("kind")).isEqualTo("internal");
    assertThat(first.text("from_account_id")).isEqualTo(funding);
    assertThat(first.text("to_account_id")).isEqualTo(alice);
    assertThat(t.get("amount").asLong()).isEqualTo(50_000);
    assertThat(t.get("to_amount").asLong()).isEqualTo(50_000);
    assertThat(first.text("currency")).isEqualTo("USD");
    assertThat(first.text("to_currency")).isEqualTo("USD");
    assertThat(t.get("fee_amount").asLong()).isEqualTo(525);
    assertThat(first.text("fx_rate")).isNull();
    assertThat(first.text("status")).isEqualTo("completed");
    assertThat(second.body().get("fee_amount").asLong()).isEqualTo(148);
    assertThat(expect(tenant.get("/v1/transfers/" + first.id()), 200).body()).isEqualTo(t);

    assertThat(tenant.ledger(funding)).isEqualTo(100_000 - 50_000 - 525);
    assertThat(tenant.ledger(alice)).isEqualTo(50_000 - 12_250 - 148);
    assertThat(tenant.ledger(bob)).isEqualTo(12_250);
    assertThat(tenant.available(alice)).isEqualTo(37_602);
    assertThat(amounts(tenant.entries(funding))).containsExactly(-525L, -50_000L, 100_000L);
    assertThat(amounts(tenant.entries(alice))).containsExactly(-148L, -12_250L, 50_000L);
    assertThat(amounts(tenant.entries(bob))).containsExactly(12_250L);
    assertThat(tenant.systemBalance(jdbc, "fee_revenue", "USD")).isEqualTo(525 + 148);
    assertThat(postingLines(second.text("posting_id")))
        .containsExactly("wallet:-12250", "wallet:12250", "wallet:-148", "fee_revenue:148");

    assertThat(ids(expect(tenant.get("/v1/transfers?account_id=" + alice), 200)))
        .containsExactly(second.id(), first.id());
    assertThat(ids(expect(tenant.get("/v1/transfers?account_id=" + bob), 200)))
        .containsExactly(second.id());
    assertThat(tenant.events(jdbc))
        .extracting(e -> e.type() + " " + e.objectId())
        .endsWith(
            "transfer.completed " + first.id(),
            "wallet.credited " + alice,
            "transfer.completed " + second.id(),
            "wallet.debited " + alice,
            "wallet.credited " + bob);
    assertBooksBalance();
  }

  @Test
  void insufficientFundsIsRefusedAndPostsNothing() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String alice = tenant.wallet(tenant.cardholder("alice"), "USD");
    String bob = tenant.wallet(tenant.cardholder("bob"), "USD");
    tenant.fund(alice, 1_000, "USD");
    tenant.feeRules(TRANSFER_FEE);
    long postings = tenant.count(jdbc, "postings");
    long entries = tenant.entryCount(jdbc);
    int events = tenant.events(jdbc).size();

    // 1000 plus its fee of 35 needs 1035; and 1001 alone is more than there is.
    Response withFee = tenant.transfer(alice, bob, 1_000, "USD");
    Response tooMuch = tenant.transfer(alice, bob, 1_001, "USD");

    for (Response refused : List.of(withFee, tooMuch)) {
      assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
      assertThat(refused.code()).isEqualTo("insufficient_funds");
    }
    assertThat(tenant.ledger(alice)).isEqualTo(1_000);
    assertThat(tenant.available(alice)).isEqualTo(1_000);
    assertThat(tenant.ledger(bob)).isZero();
    assertThat(tenant.count(jdbc, "postings")).isEqualTo(postings);
    assertThat(tenant.entryCount(jdbc)).isEqualTo(entries);
    assertThat(tenant.count(jdbc, "transfers")).isZero();
    assertThat(tenant.events(jdbc)).hasSize(events);

    // 965 plus 25 + 1 % of 965 (9.65, so 10) is exactly what there is.
    expect(tenant.transfer(alice, bob, 965, "USD"), 201);
    assertThat(tenant.available(alice)).isZero();
    assertThat(tenant.ledger(bob)).isEqualTo(965);
    assertBooksBalance();
  }

  @Test
  void aPlatformTransferReachesTheVerifiedCardholderAndOpensTheirWallet() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String sender = tenant.cardholder("sender");
    String senderWallet = tenant.wallet(sender, "USD");
    tenant.fund(senderWallet, 10_000, "USD");
    String receiver = tenant.cardholder("receiver-7", "national_id", "NID-778899");

    Response first =
        expect(
            platform(
                tenant, senderWallet, 2_500, receiver, "receiver-7", "national_id", "NID-778899"),
            201);

    assertThat(first.text("kind")).isEqualTo("platform");
    String receiverWallet = first.text("to_account_id");
    JsonNode wallet = tenant.account(receiverWallet);
    assertThat(wallet.get("kind").asString()).isEqualTo("wallet");
    assertThat(wallet.get("cardholder_id").asString()).isEqualTo(receiver);
    assertThat(wallet.get("currency").asString()).isEqualTo("USD");
    assertThat(wallet.get("balances").get("ledger").asLong()).isEqualTo(2_500);
    assertThat(tenant.ledger(senderWallet)).isEqualTo(7_500);

    // The second transfer finds the wallet the first opened.
    Response second =
        expect(
            platform(
                tenant, senderWallet, 500, receiver, "receiver-7", "national_id", "NID-778899"),
            201);
    assertThat(second.text("to_account_id")).isEqualTo(receiverWallet);
    assertThat(ids(expect(tenant.get("/v1/accounts?cardholder_id=" + receiver), 200)))
        .containsExactly(receiverWallet);
    assertThat(tenant.ledger(receiverWallet)).isEqualTo(3_000);

    List<Event> events = tenant.events(jdbc);
    assertThat(events)
        .extracting(e -> e.type() + " " + e.objectId())
        .endsWith(
            "transfer.completed " + first.id(),
            "wallet.debited " + senderWallet,
            "wallet.credited " + receiverWallet,
            "transfer.completed " + second.id(),
            "wallet.debited " + senderWallet,
            "wallet.credited " + receiverWallet);
    assertThat(events).allSatisfy(e -> assertThat(e.data()).doesNotContain("NID-778899"));
    assertThat(first.raw()).doesNotContain("NID-778899");
    assertBooksBalance();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          the id of another cardholder    | other | receiver-7 | national_id | NID-778899
          a wrong reference               | self  | receiver-8 | national_id | NID-778899
          a wrong document type           | self  | receiver-7 | passport    | NID-778899
          a document number off by one    | self  | receiver-7 | national_id | NID-778898
          a document number's prefix      | self  | receiver-7 | national_id | NID-77889
          an unknown cardholder id        | none  | receiver-7 | national_id | NID-778899
          another tenant's cardholder     | alien | receiver-7 | national_id | NID-778899
          """)
  void aPlatformTransferWithOneWrongElementIsRefusedAndWritesNothing(
      String name, String whose, String reference, String documentType, String documentNumber) {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String senderWallet = tenant.wallet(tenant.cardholder("sender"), "USD");
    tenant.fund(senderWallet, 10_000, "USD");
    String receiver = tenant.cardholder("receiver-7", "national_id", "NID-778899");
    String other = tenant.cardholder("receiver-8", "passport", "NID-778899");
    FundingTenant alienTenant = FundingTenant.create(api, "test");
    String alien = alienTenant.cardholder("receiver-7", "national_id", "NID-778899");
    String cardholderId =
        switch (whose) {
          case "self" -> receiver;
          case "other" -> other;
          case "alien" -> alien;
          default -> "ch_00000000000000000000000000";
        };
    long postings = tenant.count(jdbc, "postings");
    long accounts = tenant.count(jdbc, "accounts");
    int events = tenant.events(jdbc).size();

    Response refused =
        platform(
            tenant, senderWallet, 2_500, cardholderId, reference, documentType, documentNumber);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("recipient_verification_failed");
    // Which element was wrong is not said.
    assertThat(refused.body().get("errors")).isNull();
    assertThat(refused.raw()).doesNotContain("NID-", "receiver-", receiver);
    assertThat(tenant.ledger(senderWallet)).isEqualTo(10_000);
    assertThat(tenant.count(jdbc, "postings")).isEqualTo(postings);
    assertThat(tenant.count(jdbc, "accounts")).isEqualTo(accounts);
    assertThat(tenant.count(jdbc, "transfers")).isZero();
    assertThat(tenant.events(jdbc)).hasSize(events);
    assertThat(alienTenant.count(jdbc, "accounts")).isZero();
  }

  @Test
  void aPlatformTransferMustComeFromAWalletAndGoToSomeoneElse() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String funding = tenant.funding("USD");
    tenant.fund(funding, 10_000, "USD");
    String sender = tenant.cardholder("sender", "passport", "PASS-1234");
    String senderWallet = tenant.wallet(sender, "USD");
    tenant.fund(senderWallet, 10_000, "USD");
    String receiver = tenant.cardholder("receiver", "passport", "PASS-5678");

    Response fromFunding =
        platform(tenant, funding, 100, receiver, "receiver", "passport", "PASS-5678");
    assertThat(fromFunding.status()).isEqualTo(400);
    assertThat(fields(fromFunding)).containsExactly("from_account_id");

    Response toSelf =
        platform(tenant, senderWallet, 100, sender, "sender", "passport", "PASS-1234");
    assertThat(toSelf.status()).isEqualTo(400);
    assertThat(fields(toSelf)).containsExactly("to_cardholder.cardholder_id");

    Response both =
        tenant.post(
            "/v1/transfers",
            """
            {"from_account_id": "%s", "to_account_id": "%s", "amount": 100, "currency": "USD",
             "to_cardholder": {"cardholder_id": "%s", "reference": "receiver",
                               "document_type": "passport", "document_number": "PASS-5678"}}
            """
                .formatted(senderWallet, funding, receiver));
    assertThat(both.status()).isEqualTo(400);
    assertThat(fields(both)).containsExactly("to_account_id");
    assertThat(tenant.count(jdbc, "transfers")).isZero();
  }

  @Test
  void aTransferToTheSameAccountIsRefused() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String funding = tenant.funding("USD");
    tenant.fund(funding, 10_000, "USD");

    Response refused = tenant.transfer(funding, funding, 100, "USD");

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("validation_failed");
    assertThat(fields(refused)).containsExactly("to_account_id");
    assertThat(tenant.ledger(funding)).isEqualTo(10_000);
    assertThat(tenant.count(jdbc, "transfers")).isZero();
  }

  @Test
  void anAmountInAnotherCurrencyThanTheSourceIsACurrencyMismatch() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String funding = tenant.funding("USD");
    tenant.fund(funding, 10_000, "USD");
    String wallet = tenant.wallet(tenant.cardholder("alice"), "USD");

    Response refused = tenant.transfer(funding, wallet, 100, "EUR");

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("currency_mismatch");
    assertThat(tenant.ledger(funding)).isEqualTo(10_000);
    assertThat(tenant.count(jdbc, "transfers")).isZero();
  }

  /**
   * Hand computations, half-up at the target's minor unit, markup 150 bps (fx_rate = mid × 0.985):
   *
   * <ul>
   *   <li>USD→JPY 10.00 at 152.25: 1522.5 → 1523 JPY; markup 1523 × 0.015 = 22.845 → 23; 1500
   *       credited; 10.00 × 149.96625 = 1499.66 → 1500.
   *   <li>USD→BHD 123.45 at 0.376: 46.4172 BHD = 46417.2 → 46417 fils; markup 696.255 → 696; 45721
   *       credited; 123.45 × 0.37036 = 45.720942 → 45721.
   *   <li>JPY→USD 15000 at 0.0066225: 99.3375 USD = 9933.75 → 9934 cents; markup 149.01 → 149; 9785
   *       credited; 15000 × 0.0065231625 = 97.8474375 → 9785.
   * </ul>
   */
  @ParameterizedTest(name = "{0}→{1}")
  @CsvSource({
    "USD, JPY, 152.25,    1000,  1523,  23,  1500,  149.96625",
    "USD, BHD, 0.376,     12345, 46417, 696, 45721, 0.37036",
    "JPY, USD, 0.0066225, 15000, 9934,  149, 9785,  0.0065231625"
  })
  void aCrossCurrencyTransferConvertsAtTheOperatorsRateLessTheTenantsMarkup(
      String from,
      String to,
      String mid,
      long amount,
      long gross,
      long markup,
      long credited,
      String effectiveRate) {
    FundingTenant tenant = FundingTenant.create(api, "test");
    tenant.feeRules("[{\"kind\": \"fx_markup\", \"markup_bps\": 150}]");
    setRate(from, to, mid);
    String funding = tenant.funding(from);
    tenant.fund(funding, amount, from);
    String wallet = tenant.wallet(tenant.cardholder("abroad"), to);

    Response converted = expect(tenant.transfer(funding, wallet, amount, from), 201);

    JsonNode t = converted.body();
    assertThat(t.get("amount").asLong()).isEqualTo(amount);
    assertThat(converted.text("currency")).isEqualTo(from);
    assertThat(t.get("to_amount").asLong()).isEqualTo(credited);
    assertThat(converted.text("to_currency")).isEqualTo(to);
    assertThat(converted.text("fx_mid_rate")).isEqualTo(mid);
    assertThat(converted.text("fx_rate")).isEqualTo(effectiveRate);
    assertThat(t.get("fx_markup_bps").asInt()).isEqualTo(150);
    assertThat(t.get("fx_markup_amount").asLong()).isEqualTo(markup);
    assertThat(t.get("fee_amount").asLong()).isZero();
    assertThat(expect(tenant.get("/v1/transfers/" + converted.id()), 200).body()).isEqualTo(t);

    assertThat(tenant.ledger(funding)).isZero();
    assertThat(tenant.ledger(wallet)).isEqualTo(credited);
    // The FX position: the source currency bought, the target currency sold at mid; the markup
    // is revenue in the target currency.
    assertThat(tenant.systemBalance(jdbc, "fx", from)).isEqualTo(amount);
    assertThat(tenant.systemBalance(jdbc, "fx", to)).isEqualTo(-gross);
    assertThat(tenant.systemBalance(jdbc, "fee_revenue", to)).isEqualTo(markup);
    assertThat(credited + markup).isEqualTo(gross);
    assertBooksBalance();
  }

  /**
   * SPEC §2: "a conversion rounds half-up to the target currency's minor unit and records the rate
   * it used". The amount credited must be the amount times the recorded {@code fx_rate}, rounded
   * once: JPY→USD 10000 × 0.0065231625 = 65.231625 USD → 6523 cents; USD→BHD 10.00 × 0.37080325 =
   * 3.7080325 BHD → 3708 fils.
   */
  @ParameterizedTest(name = "{0}→{1} {3}")
  @CsvSource({"JPY, USD, 0.0066225, 10000, 6523, 100", "USD, BHD, 0.37645,   1000,  3708, 57"})
  void theAmountCreditedIsTheAmountAtTheRecordedRateRoundedOnce(
      String from, String to, String mid, long amount, long credited, long markup) {
    FundingTenant tenant = FundingTenant.create(api, "test");
    tenant.feeRules("[{\"kind\": \"fx_markup\", \"markup_bps\": 150}]");
    setRate(from, to, mid);
    String funding = tenant.funding(from);
    tenant.fund(funding, amount, from);
    String wallet = tenant.wallet(tenant.cardholder("abroad"), to);

    Response converted = expect(tenant.transfer(funding, wallet, amount, from), 201);

    assertThat(converted.body().get("to_amount").asLong()).isEqualTo(credited);
    assertThat(converted.body().get("fx_markup_amount").asLong()).isEqualTo(markup);
    assertThat(tenant.ledger(wallet)).isEqualTo(credited);
  }

  @Test
  void aPlatformTransferCanConvertIntoTheReceiversCurrency() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    tenant.feeRules("[{\"kind\": \"fx_markup\", \"markup_bps\": 150}]");
    setRate("USD", "JPY", "152.25");
    String senderWallet = tenant.wallet(tenant.cardholder("sender"), "USD");
    tenant.fund(senderWallet, 1_000, "USD");
    String receiver = tenant.cardholder("tokyo", "residence_permit", "RP-1234");

    Response converted =
        expect(
            tenant.post(
                "/v1/transfers",
                """
                {"from_account_id": "%s", "amount": 1000, "currency": "USD", "to_currency": "JPY",
                 "to_cardholder": {"cardholder_id": "%s", "reference": "tokyo",
                                   "document_type": "residence_permit",
                                   "document_number": "RP-1234"}}
                """
                    .formatted(senderWallet, receiver)),
            201);

    assertThat(converted.body().get("to_amount").asLong()).isEqualTo(1_500);
    JsonNode wallet = tenant.account(converted.text("to_account_id"));
    assertThat(wallet.get("currency").asString()).isEqualTo("JPY");
    assertThat(wallet.get("cardholder_id").asString()).isEqualTo(receiver);
    assertThat(wallet.get("balances").get("ledger").asLong()).isEqualTo(1_500);
    assertBooksBalance();
  }

  @Test
  void aMissingRateIsRefusedAndPostsNothing() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String funding = tenant.funding("CHF");
    tenant.fund(funding, 10_000, "CHF");
    String wallet = tenant.wallet(tenant.cardholder("oslo"), "NOK");
    long postings = tenant.count(jdbc, "postings");

    Response refused = tenant.transfer(funding, wallet, 5_000, "CHF");

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("fx_rate_unavailable");
    assertThat(tenant.ledger(funding)).isEqualTo(10_000);
    assertThat(tenant.ledger(wallet)).isZero();
    assertThat(tenant.count(jdbc, "postings")).isEqualTo(postings);
    assertThat(tenant.count(jdbc, "transfers")).isZero();
    assertThat(tenant.systemBalance(jdbc, "fx", "CHF")).isNull();
  }

  @Test
  void theNewestRateForAPairIsTheOneUsed() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    setRate("EUR", "HUF", "390.5");
    setRate("EUR", "HUF", "401.25");
    String funding = tenant.funding("EUR");
    tenant.fund(funding, 10_000, "EUR");
    String wallet = tenant.wallet(tenant.cardholder("budapest"), "HUF");

    Response converted = expect(tenant.transfer(funding, wallet, 10_000, "EUR"), 201);

    // 100.00 EUR × 401.25 = 40125.00 HUF, no markup.
    assertThat(converted.text("fx_mid_rate")).isEqualTo("401.25");
    assertThat(converted.text("fx_rate")).isEqualTo("401.25");
    assertThat(converted.body().get("fx_markup_amount").asLong()).isZero();
    assertThat(converted.body().get("to_amount").asLong()).isEqualTo(4_012_500);
  }

  @Test
  void aReplayWithTheSameIdempotencyKeyPostsOnce() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String funding = tenant.funding("USD");
    tenant.fund(funding, 10_000, "USD");
    tenant.feeRules(TRANSFER_FEE);
    String wallet = tenant.wallet(tenant.cardholder("alice"), "USD");
    String body =
        "{\"from_account_id\": \"%s\", \"to_account_id\": \"%s\", \"amount\": 4000, \"currency\": \"USD\"}"
            .formatted(funding, wallet);
    String key = UUID.randomUUID().toString();

    Response first = expect(tenant.post("/v1/transfers", body, "Idempotency-Key", key), 201);
    long postings = tenant.count(jdbc, "postings");
    Response replay = expect(tenant.post("/v1/transfers", body, "Idempotency-Key", key), 201);

    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(tenant.count(jdbc, "postings")).isEqualTo(postings);
    assertThat(tenant.count(jdbc, "transfers")).isEqualTo(1);
    // 4000 and its fee of 25 + 40 once.
    assertThat(tenant.ledger(funding)).isEqualTo(10_000 - 4_000 - 65);
    assertThat(tenant.ledger(wallet)).isEqualTo(4_000);
    assertThat(tenant.events(jdbc))
        .filteredOn(e -> e.type().equals("transfer.completed"))
        .hasSize(1);
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
  void aBadAmountIsRefusedNamingTheAmountAndPostsNothing(String amount) {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String funding = tenant.funding("USD");
    tenant.fund(funding, 10_000, "USD");
    String wallet = tenant.wallet(tenant.cardholder("alice"), "USD");
    long postings = tenant.count(jdbc, "postings");

    Response refused =
        tenant.post(
            "/v1/transfers",
            "{\"from_account_id\": \"%s\", \"to_account_id\": \"%s\", \"amount\": %s, \"currency\": \"USD\"}"
                .formatted(funding, wallet, amount));

    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("validation_failed");
    assertThat(fields(refused)).containsExactly("amount");
    assertThat(tenant.count(jdbc, "postings")).isEqualTo(postings);
    assertThat(tenant.count(jdbc, "transfers")).isZero();
    assertThat(tenant.ledger(funding)).isEqualTo(10_000);
  }

  @Test
  void aPlatformTransferThatCannotBeCoveredOpensNoWalletForTheReceiver() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String senderWallet = tenant.wallet(tenant.cardholder("sender"), "USD");
    tenant.fund(senderWallet, 1_000, "USD");
    String receiver = tenant.cardholder("receiver", "tax_id", "TAX-4242");
    long accounts = tenant.count(jdbc, "accounts");

    Response refused =
        platform(tenant, senderWallet, 1_001, receiver, "receiver", "tax_id", "TAX-4242");

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("insufficient_funds");
    assertThat(tenant.count(jdbc, "accounts")).isEqualTo(accounts);
    assertThat(ids(expect(tenant.get("/v1/accounts?cardholder_id=" + receiver), 200))).isEmpty();
    assertThat(tenant.ledger(senderWallet)).isEqualTo(1_000);
  }

  @Test
  void aTargetCurrencyIsForTransfersToACardholderOnly() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String funding = tenant.funding("USD");
    tenant.fund(funding, 10_000, "USD");
    String wallet = tenant.wallet(tenant.cardholder("alice"), "USD");

    Response refused =
        tenant.post(
            "/v1/transfers",
            """
            {"from_account_id": "%s", "to_account_id": "%s", "amount": 100, "currency": "USD",
             "to_currency": "JPY"}
            """
                .formatted(funding, wallet));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(fields(refused)).containsExactly("to_currency");
    assertThat(tenant.count(jdbc, "transfers")).isZero();
  }

  @Test
  void anAmountThatConvertsToNothingIsRefused() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    setRate("KRW", "KWD", "0.00072");
    String funding = tenant.funding("KRW");
    tenant.fund(funding, 10_000, "KRW");
    String wallet = tenant.wallet(tenant.cardholder("kuwait"), "KWD");

    // 1 KRW × 0.00072 = 0.00072 KWD = 0.72 fils → 1 fils; 0 KRW cannot be sent; 0.4 fils → 0.
    Response one = expect(tenant.transfer(funding, wallet, 1, "KRW"), 201);
    assertThat(one.body().get("to_amount").asLong()).isEqualTo(1);
    setRate("KRW", "KWD", "0.0004");
    Response nothing = tenant.transfer(funding, wallet, 1, "KRW");

    assertThat(nothing.status()).isEqualTo(400);
    assertThat(fields(nothing)).containsExactly("amount");
    assertThat(tenant.ledger(funding)).isEqualTo(9_999);
    assertThat(tenant.ledger(wallet)).isEqualTo(1);
  }

  @Test
  void anotherTenantsTransferIsNotFound() {
    FundingTenant owner = FundingTenant.create(api, "test");
    FundingTenant stranger = FundingTenant.create(api, "test");
    String funding = owner.funding("USD");
    owner.fund(funding, 1_000, "USD");
    String wallet = owner.wallet(owner.cardholder("alice"), "USD");
    Response transfer = expect(owner.transfer(funding, wallet, 100, "USD"), 201);

    Response foreign = stranger.get("/v1/transfers/" + transfer.id());

    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.code()).isEqualTo("resource_not_found");
    assertThat(ids(expect(stranger.get("/v1/transfers"), 200))).isEmpty();
    assertThat(ids(expect(stranger.get("/v1/transfers?account_id=" + funding), 200))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a rate of zero                    | {"base": "SGD", "quote": "MYR", "rate": "0"}              | rate
          a negative rate                   | {"base": "SGD", "quote": "MYR", "rate": "-3.45"}          | rate
          a rate with 13 decimals           | {"base": "SGD", "quote": "MYR", "rate": "3.4512345678901"} | rate
          a rate that is not a number       | {"base": "SGD", "quote": "MYR", "rate": "3,45"}           | rate
          a quote equal to the base         | {"base": "SGD", "quote": "SGD", "rate": "1"}              | quote
          an unknown base                   | {"base": "XAU", "quote": "MYR", "rate": "3.45"}           | base
          """)
  void theOperatorSetsRatesAsPositiveDecimalStrings(String name, String json, String field) {
    long rates = jdbc.sql("SELECT count(*) FROM fx_rates").query(Long.class).single();

    Response refused = api.post("/v1/admin/fx-rates", OPERATOR_KEY, json);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(fields(refused)).containsExactly(field);
    assertThat(jdbc.sql("SELECT count(*) FROM fx_rates").query(Long.class).single())
        .isEqualTo(rates);
  }

  /**
   * SPEC §2: rates are decimals, and the API takes them as strings (as it refuses a string for an
   * integer amount); a JSON number would be read through whatever the client's JSON library made of
   * it.
   */
  @Test
  void decimalsGivenAsJsonNumbersAreRefused() {
    long rates = jdbc.sql("SELECT count(*) FROM fx_rates").query(Long.class).single();
    Response rate =
        api.post(
            "/v1/admin/fx-rates",
            OPERATOR_KEY,
            "{\"base\": \"SGD\", \"quote\": \"MYR\", \"rate\": 3.4512}");
    FundingTenant tenant = FundingTenant.create(api, "test");
    Response percent =
        tenant.put(
            "/v1/fee-rules",
            "{\"rules\": [{\"kind\": \"deposit\", \"currency\": \"USD\", \"percent\": 1.5}]}");

    long ratesAfter = jdbc.sql("SELECT count(*) FROM fx_rates").query(Long.class).single();

    SoftAssertions.assertSoftly(
        soft -> {
          soft.assertThat(rate.status()).as(rate.toString()).isEqualTo(400);
          soft.assertThat(ratesAfter).isEqualTo(rates);
          soft.assertThat(percent.status()).as(percent.toString()).isEqualTo(400);
          soft.assertThat(tenant.count(jdbc, "fee_schedules")).isZero();
        });
    assertThat(fields(rate)).containsExactly("rate");
    assertThat(fields(percent)).containsExactly("rules[0].percent");
  }

  @Test
  void onlyTheOperatorSetsRates() {
    FundingTenant tenant = FundingTenant.create(api, "test");

    Response refused =
        tenant.post(
            "/v1/admin/fx-rates", "{\"base\": \"SGD\", \"quote\": \"MYR\", \"rate\": \"3.45\"}");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.code()).isEqualTo("operator_only");
    Response verify = api.get("/v1/admin/ledger/verify", tenant.key);
    assertThat(verify.status()).isEqualTo(403);
  }

  private Response platform(
      FundingTenant tenant,
      String fromAccountId,
      long amount,
      String cardholderId,
      String reference,
      String documentType,
      String documentNumber) {
    return tenant.post(
        "/v1/transfers",
        """
        {"from_account_id": "%s", "amount": %d, "currency": "USD",
         "to_cardholder": {"cardholder_id": "%s", "reference": "%s",
                           "document_type": "%s", "document_number": "%s"}}
        """
            .formatted(
                fromAccountId, amount, cardholderId, reference, documentType, documentNumber));
  }

  private void setRate(String base, String quote, String rate) {
    Response set =
        expect(
            api.post(
                "/v1/admin/fx-rates",
                OPERATOR_KEY,
                "{\"base\": \"%s\", \"quote\": \"%s\", \"rate\": \"%s\"}"
                    .formatted(base, quote, rate)),
            201);
    assertThat(set.text("rate")).isEqualTo(rate);
  }

  private List<String> postingLines(String postingId) {
    return jdbc.sql(
            """
            SELECT a.kind || ':' || e.amount FROM entries e JOIN accounts a ON a.id = e.account_id
            WHERE e.posting_id = :posting ORDER BY e.id
            """)
        .param("posting", postingId)
        .query(String.class)
        .list();
  }

  private void assertBooksBalance() {
    Response verify = expect(api.get("/v1/admin/ledger/verify", OPERATOR_KEY), 200);
    assertThat(verify.body().get("ok").asBoolean()).as(verify.toString()).isTrue();
    assertThat(verify.body().get("violations")).isEmpty();
  }

  private static List<Long> amounts(List<JsonNode> entries) {
    return entries.stream().map(e -> e.get("amount").asLong()).toList();
  }
}
