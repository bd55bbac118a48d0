package dev.cardos.authorization;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.authorization.Payments.FundedCard;
import dev.cardos.authorization.Payments.Snapshot;
import dev.cardos.cards.CardFixtures;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The card network's JSON messages ({@code /v1/network/*}): only the network key reaches them, and
 * it reaches nothing else; authorizations name the card by PAN with its expiry and CVV2; follow-ups
 * name the authorization by its network transaction id; a repeated message id gets the first answer
 * and changes nothing; no transaction or event holds a card number.
 */
@ServerTest
class NetworkMessagesIT {

  private static final SecureRandom RANDOM = new SecureRandom();

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private Payments payments;
  private TestApi api;
  private String networkKey;

  @BeforeEach
  void setUp() {
    payments = new Payments(port, jdbc);
    api = payments.api;
    networkKey = payments.networkKey();
  }

  @AfterEach
  void booksBalance() {
    payments.assertBooksBalance();
  }

  /** What the network knows of a card: its number, expiry (YYMM) and CVV2. */
  private record Plastic(String pan, String expiry, String cvv2) {}

  private Plastic plastic(FundedCard card) {
    JsonNode s = expect(api.get("/v1/cards/" + card.id() + "/sensitive", card.key()), 200).body();
    String expiry =
        "%02d%02d".formatted(s.get("exp_year").asInt() % 100, s.get("exp_month").asInt());
    return new Plastic(s.get("pan").asString(), expiry, s.get("cvv2").asString());
  }

  private static String ntid() {
    return "NTX" + UUID.randomUUID().toString().replace("-", "");
  }

  private static String merchant() {
    return """
        {"id": "MID-9", "name": "Airline", "mcc": "4511", "city": "Dallas", "country": "US"}""";
  }

  private static String authorizationJson(String ntid, Plastic p, long amount) {
    return authorizationJson(ntid, p.pan(), p.expiry(), p.cvv2(), amount);
  }

  private static String authorizationJson(
      String ntid, String pan, String expiry, String cvv2, long amount) {
    return """
        {"network_transaction_id": "%s", "pan": "%s", "expiry": "%s", "cvv2": "%s",
         "amount": %d, "currency": "USD", "channel": "ecommerce", "merchant": %s}
        """
        .formatted(ntid, pan, expiry, cvv2, amount, merchant());
  }

  /** An increment or reversal naming its original; {@code amount} null reverses in full. */
  private static String followUp(String ntid, String original, Long amount) {
    return """
        {"network_transaction_id": "%s", "original_network_transaction_id": "%s"%s}
        """
        .formatted(ntid, original, amount == null ? "" : ", \"amount\": " + amount);
  }

  private static String clearingJson(String ntid, String original, long amount, boolean fin) {
    return """
        {"network_transaction_id": "%s", "original_network_transaction_id": "%s",
         "amount": %d, "currency": "USD", "final_clearing": %s}
        """
        .formatted(ntid, original, amount, fin);
  }

  private static String forcePostJson(String ntid, String pan, long amount) {
    return """
        {"network_transaction_id": "%s", "pan": "%s", "amount": %d, "currency": "USD",
         "merchant": %s}
        """
        .formatted(ntid, pan, amount, merchant());
  }

  private static String refundJson(String ntid, String pan, long amount, String original) {
    return """
        {"network_transaction_id": "%s", "pan": "%s", "amount": %d, "currency": "USD",
         "merchant": %s%s}
        """
        .formatted(
            ntid,
            pan,
            amount,
            merchant(),
            original == null ? "" : ", \"original_network_transaction_id\": \"" + original + "\"");
  }

  private Response network(String path, String json) {
    return api.post("/v1/network/" + path, networkKey, json);
  }

  private JsonNode ok(String path, String json) {
    return expect(network(path, json), 200).body();
  }

  /** A card approved by the network for {@code amount}; returns the network transaction id. */
  private String approveByNetwork(FundedCard card, Plastic p, long amount) {
    String ntid = ntid();
    JsonNode a = ok("authorizations", authorizationJson(ntid, p, amount));
    assertThat(a.get("approved").asBoolean()).as(a.toString()).isTrue();
    assertThat(a.get("card_id").asString()).isEqualTo(card.id());
    return ntid;
  }

  /** A test-mode simulation of an authorization of {@code card}, with an id the tenant picked. */
  private Response simulateAuthorization(FundedCard card, long amount, String ntid) {
    return api.post(
        "/v1/simulate/authorizations",
        card.key(),
        Payments.authorizationJson(
            card.id(), amount, ", \"network_transaction_id\": \"%s\"".formatted(ntid)));
  }

  /** A test-mode simulation of a clearing of {@code authorizationId}, with a picked id. */
  private Response simulateClearing(FundedCard card, String authorizationId, String ntid) {
    return api.post(
        "/v1/simulate/authorizations/" + authorizationId + "/clear",
        card.key(),
        "{\"network_transaction_id\": \"%s\"}".formatted(ntid));
  }

  /** The authorization the card network sent with this id. */
  private String authorizationId(String ntid) {
    return jdbc.sql(
            "SELECT id FROM authorizations WHERE network_transaction_id = :n AND ntid_scope = ''")
        .param("n", ntid)
        .query(String.class)
        .single();
  }

  // ------------------------------------------------------------------ keys

  @Test
  void tenantAndOperatorKeysAreRefusedOnEveryNetworkEndpoint() {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    String original = approveByNetwork(card, p, 1_000);
    Snapshot before = payments.snapshot(card, authorizationId(original));
    Map<String, String> bodies =
        Map.of(
            "authorizations", authorizationJson(ntid(), p, 500),
            "increments", followUp(ntid(), original, 100L),
            "reversals", followUp(ntid(), original, null),
            "clearings", clearingJson(ntid(), original, 1_000, true),
            "refunds", refundJson(ntid(), p.pan(), 100, null));

    for (Map.Entry<String, String> e : bodies.entrySet()) {
      for (String key : List.of(card.key(), OPERATOR_KEY)) {
        Response r = api.post("/v1/network/" + e.getKey(), key, e.getValue());
        assertThat(r.status()).as(e.getKey() + " " + r).isEqualTo(403);
        assertThat(r.code()).as(e.getKey()).isEqualTo("network_only");
        assertThat(r.raw()).doesNotContain(p.pan());
      }
      assertThat(api.post("/v1/network/" + e.getKey(), null, e.getValue()).status()).isEqualTo(401);
    }

    assertThat(payments.snapshot(card, authorizationId(original))).isEqualTo(before);
    payments.assertBalances(card, 10_000, 1_000, 9_000);
  }

  @Test
  void theNetworkKeyIsRefusedOnTenantAndOperatorEndpoints() {
    FundedCard card = payments.card(10_000);

    for (Response r :
        List.of(
            api.get("/v1/cards", networkKey),
            api.get("/v1/cards/" + card.id(), networkKey),
            api.get("/v1/accounts/" + card.accountId(), networkKey),
            api.get("/v1/transactions", networkKey),
            api.get("/v1/cards/" + card.id() + "/sensitive", networkKey),
            api.post(
                "/v1/simulate/authorizations",
                networkKey,
                Payments.authorizationJson(card.id(), 500, "")),
            api.post(
                "/v1/simulate/force-posts",
                networkKey,
                """
                {"card_id": "%s", "amount": 500, "currency": "USD"}
                """
                    .formatted(card.id())))) {
      assertThat(r.status()).as(r.toString()).isEqualTo(403);
      assertThat(r.code()).isEqualTo("tenant_key_required");
    }
    for (Response r :
        List.of(
            api.get("/v1/admin/tenants", networkKey),
            api.get("/v1/admin/ledger/verify", networkKey),
            api.post("/v1/admin/network-keys", networkKey, null))) {
      assertThat(r.status()).as(r.toString()).isEqualTo(403);
      assertThat(r.code()).isEqualTo("operator_only");
    }

    payments.assertBalances(card, 10_000, 0, 10_000);
    assertThat(payments.authorizationCount(card.id())).isZero();
    assertThat(payments.transactionCount(card.id())).isZero();
  }

  // ------------------------------------------------------------------ authorizations

  @Test
  void anAuthorizationNamesTheCardByPanWithItsExpiryAndCvv2() {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);

    JsonNode a = ok("authorizations", authorizationJson(ntid(), p, 2_500));

    assertThat(a.get("approved").asBoolean()).isTrue();
    assertThat(a.get("status").asString()).isEqualTo("pending");
    assertThat(a.get("response_code").asString()).isEqualTo("00");
    assertThat(a.get("card_id").asString()).isEqualTo(card.id());
    assertThat(a.get("account_id").asString()).isEqualTo(card.accountId());
    payments.assertBalances(card, 10_000, 2_500, 7_500);
    assertThat(
            expect(api.get("/v1/authorizations/" + a.get("id").asString(), card.key()), 200).id())
        .isEqualTo(a.get("id").asString());

    String wrongCvv = "%03d".formatted((Integer.parseInt(p.cvv2()) + 1) % 1000);
    JsonNode badCvv =
        ok("authorizations", authorizationJson(ntid(), p.pan(), p.expiry(), wrongCvv, 100));
    assertThat(badCvv.get("approved").asBoolean()).isFalse();
    assertThat(badCvv.get("decline_reason").asString()).isEqualTo("invalid_cvv");
    assertThat(badCvv.get("response_code").asString()).isEqualTo("05");
    assertThat(badCvv.get("card_id").asString()).isEqualTo(card.id());

    String wrongExpiry = "%04d".formatted((Integer.parseInt(p.expiry()) + 100) % 10_000);
    JsonNode badExpiry =
        ok("authorizations", authorizationJson(ntid(), p.pan(), wrongExpiry, p.cvv2(), 100));
    assertThat(badExpiry.get("approved").asBoolean()).isFalse();
    assertThat(badExpiry.get("decline_reason").asString()).isEqualTo("expiry_mismatch");
    assertThat(badExpiry.get("response_code").asString()).isEqualTo("54");

    payments.assertBalances(card, 10_000, 2_500, 7_500);
    assertThat(payments.authorizationCount(card.id())).isEqualTo(3);
  }

  @Test
  void anUnknownPanIsDeclinedCardNotFoundWithCode14AndStoredWithoutATenant() {
    String pan = luhnPan("4" + "%014d".formatted(RANDOM.nextLong(100_000_000_000_000L)));
    String ntid = ntid();

    JsonNode a = ok("authorizations", authorizationJson(ntid, pan, "3012", "123", 1_000));

    assertThat(a.get("approved").asBoolean()).isFalse();
    assertThat(a.get("status").asString()).isEqualTo("declined");
    assertThat(a.get("decline_reason").asString()).isEqualTo("card_not_found");
    assertThat(a.get("response_code").asString()).isEqualTo("14");
    assertThat(a.get("card_id").isNull()).isTrue();
    Map<String, Object> row =
        jdbc.sql(
                """
                SELECT tenant_id, mode, card_id, account_id, decline_reason,
                       row_to_json(a)::text AS whole
                FROM authorizations a WHERE network_transaction_id = :n
                """)
            .param("n", ntid)
            .query()
            .singleRow();
    assertThat(row.get("tenant_id")).isNull();
    assertThat(row.get("mode")).isNull();
    assertThat(row.get("card_id")).isNull();
    assertThat(row.get("account_id")).isNull();
    assertThat(row.get("decline_reason")).isEqualTo("card_not_found");
    assertThat((String) row.get("whole")).doesNotContain(pan);
    assertThat(a.toString()).doesNotContain(pan);

    // A repeat gets the same answer.
    assertThat(ok("authorizations", authorizationJson(ntid, pan, "3012", "123", 1_000)).get("id"))
        .isEqualTo(a.get("id"));
  }

  @Test
  void anAuthorizationOnATerminatedCardIsDeclinedCardTerminated() {
    FundedCard card = payments.card(0);
    Plastic p = plastic(card);
    expect(
        api.post(
            "/v1/cards/" + card.id() + "/terminate",
            card.key(),
            "{\"reason\": \"no longer used\"}"),
        200);

    JsonNode a = ok("authorizations", authorizationJson(ntid(), p, 100));

    assertThat(a.get("approved").asBoolean()).isFalse();
    assertThat(a.get("decline_reason").asString()).isEqualTo("card_terminated");
    assertThat(a.get("response_code").asString()).isEqualTo("62");
    assertThat(a.get("card_id").asString()).isEqualTo(card.id());
  }

  @Test
  void aNumberSeenBeforeFollowsTheCardsStateAndAReissueUnderTheSameNumber() {
    // A node remembers which card a number belongs to, so a card seen before is read with its
    // account and limits in one round trip: what it remembers must never outlive the card.
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    approveByNetwork(card, p, 100);
    expect(api.post("/v1/cards/" + card.id() + "/freeze", card.key(), "{}"), 200);

    JsonNode frozen = ok("authorizations", authorizationJson(ntid(), p, 100));
    assertThat(frozen.get("approved").asBoolean()).isFalse();
    assertThat(frozen.get("decline_reason").asString()).isEqualTo("card_frozen");

    expect(api.post("/v1/cards/" + card.id() + "/unfreeze", card.key(), "{}"), 200);
    JsonNode reissued =
        expect(
                api.post(
                    "/v1/cards/" + card.id() + "/reissue", card.key(), "{\"kind\": \"reissue\"}"),
                201)
            .body();
    String successor = reissued.get("id").asString();
    Plastic same = plastic(new FundedCard(card.setup(), successor, card.accountId(), 0));
    assertThat(same.pan()).isEqualTo(p.pan());

    JsonNode onSuccessor = ok("authorizations", authorizationJson(ntid(), same, 200));
    assertThat(onSuccessor.get("approved").asBoolean()).as(onSuccessor.toString()).isTrue();
    assertThat(onSuccessor.get("card_id").asString()).isEqualTo(successor);
    JsonNode again = ok("authorizations", authorizationJson(ntid(), same, 300));
    assertThat(again.get("card_id").asString()).isEqualTo(successor);
    payments.assertBalances(card, 10_000, 600, 9_400);
  }

  // ------------------------------------------------------------------ follow-ups

  @Test
  void followUpsNameTheAuthorizationByItsNetworkTransactionId() {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    String original = approveByNetwork(card, p, 2_000);
    String auth = authorizationId(original);

    JsonNode inc = ok("increments", followUp(ntid(), original, 1_000L));
    assertThat(inc.get("approved").asBoolean()).isTrue();
    assertThat(inc.get("authorization_id").asString()).isEqualTo(auth);
    payments.assertBalances(card, 10_000, 3_000, 7_000);

    JsonNode rev = ok("reversals", followUp(ntid(), original, 500L));
    assertThat(rev.get("approved").asBoolean()).isTrue();
    payments.assertBalances(card, 10_000, 2_500, 7_500);

    JsonNode first = ok("clearings", clearingJson(ntid(), original, 1_000, false));
    assertThat(first.get("kind").asString()).isEqualTo("settlement");
    assertThat(first.get("authorization_id").asString()).isEqualTo(auth);
    payments.assertBalances(card, 9_000, 1_500, 7_500);
    assertThat(payments.authorization(card, auth).get("status").asString()).isEqualTo("pending");

    JsonNode last = ok("clearings", clearingJson(ntid(), original, 1_500, true));
    assertThat(last.get("authorization_id").asString()).isEqualTo(auth);
    payments.assertBalances(card, 7_500, 0, 7_500);
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("closed");
    assertThat(a.get("cleared_amount").asLong()).isEqualTo(2_500);
    assertThat(payments.settledSinceStart(card)).isEqualTo(2_500);
    assertThat(payments.eventTypes(auth))
        .containsExactly(
            "authorization.approved", "authorization.incremented", "authorization.reversed");
  }

  @Test
  void aReversalOrClearingForAnUnknownOriginalIsNotFoundAndChangesNothing() {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    String notYetArrived = ntid();
    String reversalId = ntid();

    Response reversal = network("reversals", followUp(reversalId, notYetArrived, null));
    Response clearing = network("clearings", clearingJson(ntid(), notYetArrived, 1_000, true));
    Response increment = network("increments", followUp(ntid(), notYetArrived, 100L));

    for (Response r : List.of(reversal, clearing, increment)) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.code()).isEqualTo("resource_not_found");
    }
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM authorization_adjustments"
                        + " WHERE network_transaction_id = :n")
                .param("n", reversalId)
                .query(Long.class)
                .single())
        .isZero();
    payments.assertBalances(card, 10_000, 0, 10_000);

    // The original arrives after its reversal: it is approved and held as any other.
    JsonNode a = ok("authorizations", authorizationJson(notYetArrived, p, 1_000));
    assertThat(a.get("approved").asBoolean()).isTrue();
    payments.assertBalances(card, 10_000, 1_000, 9_000);
  }

  @Test
  void aClearingInAnotherCurrencyThanItsAuthorizationIsRefusedAndChangesNothing() {
    FundedCard card = payments.card(10_000);
    String original = approveByNetwork(card, plastic(card), 2_500);
    String clearingId = ntid();

    // 2,500 in yen is not 25.00 dollars: read as the authorization's dollars it would charge 25.00.
    Response r =
        network("clearings", clearingJson(clearingId, original, 2_500, true).replace("USD", "JPY"));

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.body().get("errors").get(0).get("field").asString()).isEqualTo("currency");
    payments.assertBalances(card, 10_000, 2_500, 7_500);
    assertThat(payments.transactionCount(card.id())).isZero();
    // The same id in the right currency clears: the refused one left nothing behind.
    ok("clearings", clearingJson(clearingId, original, 2_500, true));
    payments.assertBalances(card, 7_500, 0, 7_500);
  }

  @Test
  void aClearingWithoutAnOriginalIsAForcePostOnTheCardNamedByPan() {
    FundedCard card = payments.card(1_000);
    Plastic p = plastic(card);

    JsonNode txn = ok("clearings", forcePostJson(ntid(), p.pan(), 1_500));

    assertThat(txn.get("kind").asString()).isEqualTo("force_post");
    assertThat(txn.get("card_id").asString()).isEqualTo(card.id());
    assertThat(txn.get("authorization_id").isNull()).isTrue();
    assertThat(txn.get("review_required").asBoolean()).isTrue();
    payments.assertBalances(card, 0, 0, 0);
    assertThat(payments.systemBalance(card.tenantId(), "suspense")).isEqualTo(-500);
    assertThat(txn.toString()).doesNotContain(p.pan());

    Response noPan =
        network(
            "clearings",
            """
            {"network_transaction_id": "%s", "amount": 100, "currency": "USD"}
            """
                .formatted(ntid()));
    assertThat(noPan.status()).isEqualTo(400);
    Response unknownPan =
        network("clearings", forcePostJson(ntid(), luhnPan("4999999999999990"), 100));
    assertThat(unknownPan.status()).isEqualTo(404);
    assertThat(unknownPan.raw()).doesNotContain("4999999999999");
    assertThat(payments.transactionCount(card.id())).isEqualTo(1);
  }

  @Test
  void aRefundCreditsTheCardNamedByPanAndLinksTheOriginal() {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    String original = approveByNetwork(card, p, 2_500);
    ok("clearings", clearingJson(ntid(), original, 2_500, true));
    payments.assertBalances(card, 7_500, 0, 7_500);

    JsonNode refund = ok("refunds", refundJson(ntid(), p.pan(), 1_000, original));

    assertThat(refund.get("kind").asString()).isEqualTo("refund");
    assertThat(refund.get("card_id").asString()).isEqualTo(card.id());
    assertThat(refund.get("authorization_id").asString()).isEqualTo(authorizationId(original));
    payments.assertBalances(card, 8_500, 0, 8_500);
    assertThat(payments.settledSinceStart(card)).isEqualTo(1_500);
    assertThat(payments.eventTypes(refund.get("id").asString()))
        .containsExactly("transaction.refunded");
  }

  @Test
  void aRefundReachesASingleUseCardAfterItsClearingEndedIt() {
    FundedCard card = payments.card(10_000, "", ", \"single_use\": true");
    Plastic p = plastic(card);
    String original = approveByNetwork(card, p, 2_500);
    ok("clearings", clearingJson(ntid(), original, 2_500, true));
    assertThat(
            expect(api.get("/v1/cards/" + card.id(), card.key()), 200)
                .body()
                .get("status")
                .asString())
        .isEqualTo("terminated");
    long before =
        payments.balances(card).ledger()
            + payments.balances(card.key(), card.setup().walletId()).ledger();

    Response refund = network("refunds", refundJson(ntid(), p.pan(), 1_000, original));

    assertThat(refund.status()).as(refund.toString()).isEqualTo(200);
    assertThat(refund.body().get("card_id").asString()).isEqualTo(card.id());
    long after =
        payments.balances(card).ledger()
            + payments.balances(card.key(), card.setup().walletId()).ledger();
    assertThat(after - before).isEqualTo(1_000);
    // The refund landed on the terminated card; the tenant can move it to the wallet.
    long wallet = payments.balances(card.key(), card.setup().walletId()).available();
    Response withdrawn =
        api.post(
            "/v1/cards/" + card.id() + "/withdraw",
            card.key(),
            "{\"amount\": 1000, \"currency\": \"USD\"}");
    assertThat(withdrawn.status()).as(withdrawn.toString()).isEqualTo(201);
    assertThat(payments.balances(card.key(), card.setup().walletId()).available())
        .isEqualTo(wallet + 1_000);
    assertThat(payments.balances(card).available()).isZero();
  }

  // ------------------------------------------------------------------ repeats

  @Test
  void aRepeatedAuthorizationGetsTheFirstAnswerAndChangesNothing() {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    String ntid = ntid();
    JsonNode first = ok("authorizations", authorizationJson(ntid, p, 2_500));
    Snapshot before = payments.snapshot(card, first.get("id").asString());

    JsonNode again = ok("authorizations", authorizationJson(ntid, p, 2_500));

    assertThat(again.get("id")).isEqualTo(first.get("id"));
    assertThat(again.get("approved")).isEqualTo(first.get("approved"));
    assertThat(again.get("response_code")).isEqualTo(first.get("response_code"));
    assertThat(again.get("amount").asLong()).isEqualTo(2_500);
    assertThat(again.get("hold_id")).isEqualTo(first.get("hold_id"));
    assertThat(payments.snapshot(card, first.get("id").asString())).isEqualTo(before);
    payments.assertBalances(card, 10_000, 2_500, 7_500);
    assertThat(payments.cardSpend(card, "day")).isEqualTo(2_500);
  }

  @Test
  void aRepeatedIncrementGetsTheFirstAnswerAndChangesNothing() {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    String original = approveByNetwork(card, p, 2_000);
    String auth = authorizationId(original);
    String id = ntid();
    JsonNode first = ok("increments", followUp(id, original, 1_000L));
    Snapshot before = payments.snapshot(card, auth);

    JsonNode again = ok("increments", followUp(id, original, 1_000L));

    assertThat(again.get("id")).isEqualTo(first.get("id"));
    assertThat(again.get("approved").asBoolean()).isTrue();
    assertThat(payments.snapshot(card, auth)).isEqualTo(before);
    payments.assertBalances(card, 10_000, 3_000, 7_000);
    assertThat(payments.cardSpend(card, "day")).isEqualTo(3_000);
  }

  @Test
  void aRepeatedDeclinedIncrementKeepsItsFirstAnswerEvenWhenMoneyArrivesSince() {
    FundedCard card = payments.card(2_000);
    Plastic p = plastic(card);
    String original = approveByNetwork(card, p, 2_000);
    String auth = authorizationId(original);
    String id = ntid();
    JsonNode first = ok("increments", followUp(id, original, 1_000L));
    assertThat(first.get("approved").asBoolean()).isFalse();
    assertThat(first.get("response_code").asString()).isEqualTo("51");
    payments.fixtures.deposit(card.key(), card.setup().walletId(), 5_000);
    expect(
        api.post(
            "/v1/cards/" + card.id() + "/fund",
            card.key(),
            "{\"amount\": 5000, \"currency\": \"USD\"}"),
        201);
    Snapshot before = payments.snapshot(card, auth);

    JsonNode again = ok("increments", followUp(id, original, 1_000L));

    assertThat(again.get("id")).isEqualTo(first.get("id"));
    assertThat(again.get("approved").asBoolean()).isFalse();
    assertThat(again.get("response_code").asString()).isEqualTo("51");
    assertThat(payments.snapshot(card, auth)).isEqualTo(before);
    payments.assertBalances(card, 7_000, 2_000, 5_000);
  }

  @Test
  void aRepeatedPartialReversalReleasesOnlyOnce() {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    String original = approveByNetwork(card, p, 2_500);
    String auth = authorizationId(original);
    String id = ntid();
    JsonNode first = ok("reversals", followUp(id, original, 1_000L));
    payments.assertBalances(card, 10_000, 1_500, 8_500);
    Snapshot before = payments.snapshot(card, auth);

    JsonNode again = ok("reversals", followUp(id, original, 1_000L));

    assertThat(again.get("id")).isEqualTo(first.get("id"));
    assertThat(again.get("card_amount").asLong()).isEqualTo(1_000);
    assertThat(payments.snapshot(card, auth)).isEqualTo(before);
    payments.assertBalances(card, 10_000, 1_500, 8_500);
    assertThat(payments.cardSpend(card, "day")).isEqualTo(1_500);
    assertThat(payments.authorization(card, auth).get("reversed_amount").asLong()).isEqualTo(1_000);
  }

  @Test
  void aRepeatedClearingSettlesOnlyOnce() {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    String original = approveByNetwork(card, p, 2_500);
    String auth = authorizationId(original);
    String id = ntid();
    JsonNode first = ok("clearings", clearingJson(id, original, 1_000, false));
    payments.assertBalances(card, 9_000, 1_500, 7_500);
    Snapshot before = payments.snapshot(card, auth);
    long settlement = payments.systemBalance(card.tenantId(), "settlement");

    JsonNode again = ok("clearings", clearingJson(id, original, 1_000, false));

    assertThat(again.get("id")).isEqualTo(first.get("id"));
    assertThat(again.get("card_amount").asLong()).isEqualTo(1_000);
    assertThat(payments.snapshot(card, auth)).isEqualTo(before);
    assertThat(payments.systemBalance(card.tenantId(), "settlement")).isEqualTo(settlement);
    payments.assertBalances(card, 9_000, 1_500, 7_500);
    assertThat(payments.authorization(card, auth).get("cleared_amount").asLong()).isEqualTo(1_000);
  }

  @Test
  void aRepeatedForcePostPostsOnlyOnce() {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    String id = ntid();
    JsonNode first = ok("clearings", forcePostJson(id, p.pan(), 1_200));
    Snapshot before = payments.snapshot(card, null);

    JsonNode again = ok("clearings", forcePostJson(id, p.pan(), 1_200));

    assertThat(again.get("id")).isEqualTo(first.get("id"));
    assertThat(payments.snapshot(card, null)).isEqualTo(before);
    payments.assertBalances(card, 8_800, 0, 8_800);
  }

  @Test
  void aRepeatedRefundCreditsOnlyOnce() {
    FundedCard card = payments.card(1_000);
    Plastic p = plastic(card);
    String id = ntid();
    JsonNode first = ok("refunds", refundJson(id, p.pan(), 400, null));
    payments.assertBalances(card, 1_400, 0, 1_400);
    Snapshot before = payments.snapshot(card, null);

    JsonNode again = ok("refunds", refundJson(id, p.pan(), 400, null));

    assertThat(again.get("id")).isEqualTo(first.get("id"));
    assertThat(again.get("kind").asString()).isEqualTo("refund");
    assertThat(payments.snapshot(card, null)).isEqualTo(before);
    payments.assertBalances(card, 1_400, 0, 1_400);
    assertThat(payments.settledSinceStart(card)).isEqualTo(-400);
  }

  @Test
  void aSimulatedAuthorizationReusingAnotherTenantsNetworkIdNeverShowsTheirAuthorization() {
    FundedCard victim = payments.card(10_000);
    FundedCard other = payments.card(10_000);
    String original = approveByNetwork(victim, plastic(victim), 2_500);

    Response auth = simulateAuthorization(other, 100, original);

    // Its own namespace: the id is free there, and the simulation decides on its own card.
    assertThat(auth.raw()).doesNotContain(victim.id()).doesNotContain(authorizationId(original));
    assertThat(auth.status()).as(auth.toString()).isEqualTo(201);
    assertThat(auth.body().get("card_id").asString()).isEqualTo(other.id());
    payments.assertBalances(victim, 10_000, 2_500, 7_500);
  }

  @Test
  void aSimulatedClearingReusingAnotherTenantsNetworkIdNeverShowsTheirTransaction() {
    FundedCard victim = payments.card(10_000);
    FundedCard other = payments.card(10_000);
    String original = approveByNetwork(victim, plastic(victim), 2_500);
    String clearing = ntid();
    ok("clearings", clearingJson(clearing, original, 2_500, true));
    String mine = payments.approve(other, 100).get("id").asString();

    Response settled = simulateClearing(other, mine, clearing);

    assertThat(settled.raw()).doesNotContain(victim.id());
    assertThat(settled.status()).as(settled.toString()).isEqualTo(201);
    assertThat(settled.body().get("card_id").asString()).isEqualTo(other.id());
    payments.assertBalances(other, 9_900, 0, 9_900);
    payments.assertBalances(victim, 7_500, 0, 7_500);
  }

  @Test
  void aNetworkAuthorizationWhoseIdATestTenantTookFirstIsDecidedOnItsOwnCard() {
    FundedCard squatter = payments.card(10_000);
    FundedCard victim = payments.card(10_000);
    String id = ntid();
    Response simulated = simulateAuthorization(squatter, 100, id);
    assertThat(simulated.status()).as(simulated.toString()).isEqualTo(201);

    JsonNode a = ok("authorizations", authorizationJson(id, plastic(victim), 2_500));

    assertThat(a.get("card_id").asString()).isEqualTo(victim.id());
    assertThat(a.get("approved").asBoolean()).isTrue();
    assertThat(a.get("id").asString()).isNotEqualTo(simulated.body().get("id").asString());
    payments.assertBalances(victim, 10_000, 2_500, 7_500);
    payments.assertBalances(squatter, 10_000, 100, 9_900);
  }

  @Test
  void aNetworkClearingWhoseIdATestTenantTookFirstClearsTheNetworksAuthorization() {
    FundedCard victim = payments.card(10_000);
    FundedCard squatter = payments.card(10_000);
    String original = approveByNetwork(victim, plastic(victim), 2_500);
    String clearing = ntid();
    String mine = payments.approve(squatter, 100).get("id").asString();
    Response simulated = simulateClearing(squatter, mine, clearing);
    assertThat(simulated.status()).as(simulated.toString()).isEqualTo(201);

    JsonNode settled = ok("clearings", clearingJson(clearing, original, 2_500, true));

    assertThat(settled.get("card_id").asString()).isEqualTo(victim.id());
    payments.assertBalances(victim, 7_500, 0, 7_500);
    payments.assertBalances(squatter, 9_900, 0, 9_900);
  }

  @Test
  void aNetworkReversalAndIncrementWhoseIdsATestTenantTookFirstStillApply() {
    FundedCard victim = payments.card(10_000);
    FundedCard squatter = payments.card(10_000);
    String original = approveByNetwork(victim, plastic(victim), 2_500);
    String reversal = ntid();
    String increment = ntid();
    String mine = payments.approve(squatter, 1_000).get("id").asString();
    for (String[] taken :
        List.of(new String[] {"increment", increment}, new String[] {"reverse", reversal})) {
      Response simulated =
          api.post(
              "/v1/simulate/authorizations/" + mine + "/" + taken[0],
              squatter.key(),
              "{\"amount\": 100, \"network_transaction_id\": \"%s\"}".formatted(taken[1]));
      assertThat(simulated.status()).as(simulated.toString()).isEqualTo(201);
    }

    JsonNode raised = ok("increments", followUp(increment, original, 500L));
    JsonNode released = ok("reversals", followUp(reversal, original, 1_000L));

    assertThat(raised.get("approved").asBoolean()).as(raised.toString()).isTrue();
    assertThat(released.get("approved").asBoolean()).as(released.toString()).isTrue();
    payments.assertBalances(victim, 10_000, 2_000, 8_000);
    payments.assertBalances(squatter, 10_000, 1_000, 9_000);
  }

  @Test
  void aFollowUpIdUsedAgainForAnotherAuthorizationOrCardIsRefusedNotAnsweredWithTheFirst() {
    FundedCard card = payments.card(10_000);
    FundedCard other = payments.card(10_000);
    String first = approveByNetwork(card, plastic(card), 2_000);
    String second = approveByNetwork(card, plastic(card), 1_000);
    String reversal = ntid();
    String refund = ntid();
    ok("reversals", followUp(reversal, first, null));
    ok("refunds", refundJson(refund, plastic(card).pan(), 300, null));
    payments.assertBalances(card, 10_300, 1_000, 9_300);

    Response reusedReversal = network("reversals", followUp(reversal, second, null));
    Response reusedRefund = network("refunds", refundJson(refund, plastic(other).pan(), 300, null));

    for (Response r : List.of(reusedReversal, reusedRefund)) {
      assertThat(r.status()).as(r.toString()).isEqualTo(409);
      assertThat(r.code()).isEqualTo("reference_taken");
    }
    payments.assertBalances(card, 10_300, 1_000, 9_300);
    payments.assertBalances(other, 10_000, 0, 10_000);
    // The same follow-ups again are still repeats.
    assertThat(network("reversals", followUp(reversal, first, null)).status()).isEqualTo(200);
    assertThat(network("refunds", refundJson(refund, plastic(card).pan(), 300, null)).status())
        .isEqualTo(200);
    payments.assertBalances(card, 10_300, 1_000, 9_300);
  }

  @Test
  void aNetworkIdUsedAgainForAnotherCardOrAmountIsRefusedNotAnsweredWithTheFirst() {
    FundedCard first = payments.card(10_000);
    FundedCard second = payments.card(10_000);
    String id = approveByNetwork(first, plastic(first), 2_500);

    Response otherCard = network("authorizations", authorizationJson(id, plastic(second), 2_500));
    Response otherAmount = network("authorizations", authorizationJson(id, plastic(first), 900));

    for (Response r : List.of(otherCard, otherAmount)) {
      assertThat(r.status()).as(r.toString()).isEqualTo(409);
      assertThat(r.body().get("code").asString()).isEqualTo("reference_taken");
      assertThat(r.raw()).doesNotContain(first.id());
    }
    payments.assertBalances(first, 10_000, 2_500, 7_500);
    payments.assertBalances(second, 10_000, 0, 10_000);
    // The same message again is still a repeat: the first answer, nothing more held.
    JsonNode again = ok("authorizations", authorizationJson(id, plastic(first), 2_500));
    assertThat(again.get("card_id").asString()).isEqualTo(first.id());
    payments.assertBalances(first, 10_000, 2_500, 7_500);
  }

  // ------------------------------------------------------------------ card numbers

  @Test
  void noTransactionEventOrAuthorizationRowHoldsTheCardNumber() {
    FundedCard card = payments.card(3_000);
    Plastic p = plastic(card);
    List<Response> answers = new ArrayList<>();
    String original = ntid();
    answers.add(network("authorizations", authorizationJson(original, p, 2_000)));
    answers.add(
        network("authorizations", authorizationJson(ntid(), p.pan(), p.expiry(), "000", 100)));
    answers.add(network("increments", followUp(ntid(), original, 500L)));
    answers.add(network("increments", followUp(ntid(), original, 50_000L)));
    answers.add(network("reversals", followUp(ntid(), original, 300L)));
    answers.add(network("clearings", clearingJson(ntid(), original, 2_500, true)));
    answers.add(network("clearings", forcePostJson(ntid(), p.pan(), 200)));
    answers.add(network("refunds", refundJson(ntid(), p.pan(), 150, original)));
    for (Response r : answers) {
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.raw()).doesNotContain(p.pan());
    }
    assertThat(payments.transactionCount(card.id())).isEqualTo(3);

    List<String> rows = new ArrayList<>();
    rows.addAll(rows("SELECT row_to_json(t)::text FROM transactions t WHERE card_id = :c", card));
    rows.addAll(rows("SELECT row_to_json(e)::text FROM events e WHERE tenant_id = :t", card));
    rows.addAll(rows("SELECT row_to_json(a)::text FROM authorizations a WHERE card_id = :c", card));
    rows.addAll(
        rows(
            """
            SELECT row_to_json(j)::text FROM authorization_adjustments j
            JOIN authorizations a ON a.id = j.authorization_id WHERE a.card_id = :c
            """,
            card));
    assertThat(rows).hasSizeGreaterThan(10);
    assertThat(rows).allSatisfy(row -> assertThat(row).doesNotContain(p.pan()));
    assertThat(String.join("\n", rows)).contains(card.id()).contains("transaction.refunded");
  }

  private List<String> rows(String sql, FundedCard card) {
    var statement = jdbc.sql(sql);
    if (sql.contains(":c")) {
      statement = statement.param("c", card.id());
    }
    if (sql.contains(":t")) {
      statement = statement.param("t", card.tenantId());
    }
    return statement.query(String.class).list();
  }

  /** {@code partial} with its last digit replaced by the Luhn check digit. */
  private static String luhnPan(String partial) {
    String body = partial.substring(0, partial.length() - 1);
    for (int d = 0; d < 10; d++) {
      if (CardFixtures.luhn(body + d)) {
        return body + d;
      }
    }
    throw new AssertionError("unreachable");
  }
}
