package dev.cardos.authorization;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.authorization.Payments.Balances;
import dev.cardos.authorization.Payments.FundedCard;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * What follows an approval (SPEC §5, "After approval"), through the test-mode twins of the network
 * messages: incremental authorizations, full and partial reversals, clearings (full, partial,
 * multiple, over-clearing), force posts, refunds, single-use cards and {@code /v1/transactions}.
 * After every flow the card account's ledger, held and available balances are checked, and the
 * operator's ledger check must pass.
 */
@ServerTest
class AfterApprovalIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private Payments payments;
  private TestApi api;

  @BeforeEach
  void setUp() {
    payments = new Payments(port, jdbc);
    api = payments.api;
  }

  @AfterEach
  void booksBalance() {
    payments.assertBooksBalance();
  }

  private Response increment(FundedCard card, String authId, long amount) {
    return api.post(
        "/v1/simulate/authorizations/" + authId + "/increment",
        card.key(),
        "{\"amount\": %d}".formatted(amount));
  }

  private Response reverse(FundedCard card, String authId, String json) {
    return api.post("/v1/simulate/authorizations/" + authId + "/reverse", card.key(), json);
  }

  private Response clear(FundedCard card, String authId, String json) {
    return api.post("/v1/simulate/authorizations/" + authId + "/clear", card.key(), json);
  }

  private JsonNode cleared(FundedCard card, String authId, String json) {
    return expect(clear(card, authId, json), 201).body();
  }

  private static String merchantMovement(String cardId, long amount, String extra) {
    return """
        {"card_id": "%s", "amount": %d, "currency": "USD",
         "merchant": {"id": "MID-1", "name": "Corner Shop", "mcc": "5411", "city": "Austin",
                      "country": "US"}%s}
        """
        .formatted(cardId, amount, extra);
  }

  // ------------------------------------------------------------------ increments

  @Test
  void incrementRaisesTheHoldAndTheSpendByTheExtraAmount() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();

    JsonNode inc = expect(increment(card, auth, 1_000), 201).body();

    assertThat(inc.get("kind").asString()).isEqualTo("increment");
    assertThat(inc.get("approved").asBoolean()).isTrue();
    assertThat(inc.get("response_code").asString()).isEqualTo("00");
    assertThat(inc.get("authorization_id").asString()).isEqualTo(auth);
    assertThat(inc.get("card_amount").asLong()).isEqualTo(1_000);
    payments.assertBalances(card, 10_000, 3_500, 6_500);
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("pending");
    assertThat(a.get("held_amount").asLong()).isEqualTo(3_500);
    assertThat(payments.cardSpend(card, "day")).isEqualTo(3_500);
    assertThat(payments.eventTypes(auth))
        .containsExactly("authorization.approved", "authorization.incremented");
  }

  @Test
  void anIncrementIsMoreOfTheSameTransactionNotAnotherForTheCountLimit() {
    // A hotel stay on a card allowed one transaction a day: the stay's increment is the same
    // transaction, so it is not refused for the count (65), and the day still counts one.
    FundedCard card = payments.card(10_000);
    expect(
        api.send("PUT", "/v1/cards/" + card.id() + "/controls", card.key(), "{\"daily_count\": 1}"),
        200);
    String auth = payments.approve(card, 2_500).get("id").asString();

    JsonNode inc = expect(increment(card, auth, 1_000), 201).body();

    assertThat(inc.get("approved").asBoolean()).as(inc.toString()).isTrue();
    payments.assertBalances(card, 10_000, 3_500, 6_500);
    JsonNode spend = expect(api.get("/v1/cards/" + card.id() + "/spend", card.key()), 200).body();
    for (JsonNode w : spend.get("windows")) {
      if (w.get("level").asString().equals("card") && w.get("window").asString().equals("day")) {
        assertThat(w.get("count_used").asLong()).isEqualTo(1);
        assertThat(w.get("amount_used").asLong()).isEqualTo(3_500);
      }
    }
    // A second transaction is still the one too many.
    Response second =
        api.post(
            "/v1/simulate/authorizations",
            card.key(),
            Payments.authorizationJson(card.id(), 100, ""));
    assertThat(expect(second, 201).body().get("decline_reason").asString())
        .isEqualTo("velocity_count_exceeded");
  }

  @Test
  void incrementTheBalanceDoesNotCoverIsDeclined51AndChangesNothing() {
    FundedCard card = payments.card(3_000);
    String auth = payments.approve(card, 2_500).get("id").asString();

    JsonNode inc = expect(increment(card, auth, 1_000), 201).body();

    assertThat(inc.get("approved").asBoolean()).isFalse();
    assertThat(inc.get("response_code").asString()).isEqualTo("51");
    payments.assertBalances(card, 3_000, 2_500, 500);
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("pending");
    assertThat(a.get("held_amount").asLong()).isEqualTo(2_500);
    assertThat(payments.cardSpend(card, "day"))
        .as("the limits' usage rolled back")
        .isEqualTo(2_500);
    assertThat(payments.eventTypes(auth)).containsExactly("authorization.approved");
  }

  @Test
  void incrementBeyondTheDailyLimitIsDeclinedWithTheLimitCodeAndChangesNothing() {
    FundedCard card = payments.card(10_000);
    expect(
        api.send(
            "PUT", "/v1/cards/" + card.id() + "/controls", card.key(), "{\"daily_limit\": 3000}"),
        200);
    String auth = payments.approve(card, 2_500).get("id").asString();

    JsonNode inc = expect(increment(card, auth, 1_000), 201).body();

    assertThat(inc.get("approved").asBoolean()).isFalse();
    assertThat(inc.get("response_code").asString()).isEqualTo("61");
    assertThat(inc.get("explanation").asString()).containsIgnoringCase("daily");
    payments.assertBalances(card, 10_000, 2_500, 7_500);
    assertThat(payments.authorization(card, auth).get("held_amount").asLong()).isEqualTo(2_500);
    assertThat(payments.cardSpend(card, "day")).isEqualTo(2_500);

    // Within the limit, the next increment is approved: the refusal left the usage as it was.
    JsonNode within = expect(increment(card, auth, 500), 201).body();
    assertThat(within.get("approved").asBoolean()).isTrue();
    payments.assertBalances(card, 10_000, 3_000, 7_000);
  }

  @Test
  void clearingTheIncrementedAmountInFullNeedsNoReview() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 1_000).get("id").asString();
    assertThat(expect(increment(card, auth, 500), 201).body().get("approved").asBoolean()).isTrue();

    JsonNode txn = cleared(card, auth, "{\"amount\": 1500}");

    assertThat(txn.get("review_required").asBoolean())
        .as(txn.get("review_reason").toString())
        .isFalse();
    payments.assertBalances(card, 8_500, 0, 8_500);
    assertThat(payments.authorization(card, auth).get("status").asString()).isEqualTo("closed");
  }

  // ------------------------------------------------------------------ reversals

  @Test
  void fullReversalReleasesTheWholeHold() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();
    payments.assertBalances(card, 10_000, 2_500, 7_500);

    JsonNode rev = expect(reverse(card, auth, null), 201).body();

    assertThat(rev.get("kind").asString()).isEqualTo("reversal");
    assertThat(rev.get("approved").asBoolean()).isTrue();
    assertThat(rev.get("response_code").asString()).isEqualTo("00");
    assertThat(rev.get("card_amount").asLong()).isEqualTo(2_500);
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("reversed");
    assertThat(a.get("held_amount").asLong()).isZero();
    assertThat(a.get("reversed_amount").asLong()).isEqualTo(2_500);
    payments.assertBalances(card, 10_000, 0, 10_000);
    assertThat(payments.cardSpend(card, "day")).isZero();
    assertThat(payments.eventTypes(auth))
        .containsExactly("authorization.approved", "authorization.reversed");
    assertThat(payments.transactionCount(card.id())).isZero();
  }

  @Test
  void partialReversalReleasesPartAndTheAuthorizationStaysPending() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();

    JsonNode rev = expect(reverse(card, auth, "{\"amount\": 1000}"), 201).body();

    assertThat(rev.get("approved").asBoolean()).isTrue();
    assertThat(rev.get("card_amount").asLong()).isEqualTo(1_000);
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("pending");
    assertThat(a.get("held_amount").asLong()).isEqualTo(1_500);
    assertThat(a.get("reversed_amount").asLong()).isEqualTo(1_000);
    payments.assertBalances(card, 10_000, 1_500, 8_500);
    assertThat(payments.cardSpend(card, "day")).isEqualTo(1_500);

    // The rest clears as usual and closes the authorization.
    cleared(card, auth, "{\"amount\": 1500}");
    assertThat(payments.authorization(card, auth).get("status").asString()).isEqualTo("closed");
    payments.assertBalances(card, 8_500, 0, 8_500);
  }

  @Test
  void reversalAfterAFullClearingIsRefusedAndChangesNothing() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();
    cleared(card, auth, null);
    payments.assertBalances(card, 7_500, 0, 7_500);
    long settlement = payments.systemBalance(card.tenantId(), "settlement");

    JsonNode rev = expect(reverse(card, auth, null), 201).body();

    assertThat(rev.get("approved").asBoolean()).isFalse();
    assertThat(rev.get("response_code").asString()).isNotEqualTo("00");
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("closed");
    assertThat(a.get("reversed_amount").asLong()).isZero();
    payments.assertBalances(card, 7_500, 0, 7_500);
    assertThat(payments.systemBalance(card.tenantId(), "settlement")).isEqualTo(settlement);
    assertThat(payments.eventTypes(auth)).doesNotContain("authorization.reversed");
  }

  @Test
  void reversalOfAnUnknownAuthorizationIsNotFound() {
    FundedCard card = payments.card(10_000);
    Response r = reverse(card, "auth_01ZZZZZZZZZZZZZZZZZZZZZZZZ", null);

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("resource_not_found");
    payments.assertBalances(card, 10_000, 0, 10_000);
  }

  @Test
  void reversingAnAlreadyReversedAuthorizationChangesNothing() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();
    assertThat(expect(reverse(card, auth, null), 201).body().get("approved").asBoolean()).isTrue();
    payments.assertBalances(card, 10_000, 0, 10_000);

    JsonNode again = expect(reverse(card, auth, "{\"amount\": 500}"), 201).body();

    assertThat(again.get("approved").asBoolean()).isFalse();
    assertThat(again.get("card_amount").asLong()).isZero();
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("reversed");
    assertThat(a.get("reversed_amount").asLong()).isEqualTo(2_500);
    payments.assertBalances(card, 10_000, 0, 10_000);
    assertThat(payments.cardSpend(card, "day")).isZero();
    assertThat(payments.eventTypes(auth))
        .containsExactly("authorization.approved", "authorization.reversed");
  }

  @Test
  void anotherTenantCannotReverseOrClearTheAuthorization() {
    FundedCard card = payments.card(10_000);
    FundedCard stranger = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();

    assertThat(reverse(stranger, auth, null).status()).isEqualTo(404);
    assertThat(clear(stranger, auth, null).status()).isEqualTo(404);
    assertThat(increment(stranger, auth, 100).status()).isEqualTo(404);

    payments.assertBalances(card, 10_000, 2_500, 7_500);
    assertThat(payments.authorization(card, auth).get("status").asString()).isEqualTo("pending");
  }

  // ------------------------------------------------------------------ clearings

  @Test
  void fullClearingClosesTheAuthorizationAndSettlesTheAmount() {
    FundedCard card = payments.card(10_000);
    JsonNode approved = payments.approve(card, 2_500);
    String auth = approved.get("id").asString();

    JsonNode txn = cleared(card, auth, null);

    String txnId = txn.get("id").asString();
    assertThat(txnId).startsWith("txn_");
    assertThat(txn.get("kind").asString()).isEqualTo("settlement");
    assertThat(txn.get("authorization_id").asString()).isEqualTo(auth);
    assertThat(txn.get("card_id").asString()).isEqualTo(card.id());
    assertThat(txn.get("account_id").asString()).isEqualTo(card.accountId());
    assertThat(txn.get("amount").asLong()).isEqualTo(2_500);
    assertThat(txn.get("card_amount").asLong()).isEqualTo(2_500);
    assertThat(txn.get("review_required").asBoolean()).isFalse();
    assertThat(txn.get("merchant").get("mcc").asString()).isEqualTo("5411");

    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("closed");
    assertThat(a.get("cleared_amount").asLong()).isEqualTo(2_500);
    assertThat(a.get("held_amount").asLong()).isZero();
    payments.assertBalances(card, 7_500, 0, 7_500);
    assertThat(payments.settledSinceStart(card)).isEqualTo(2_500);
    assertThat(payments.systemBalance(card.tenantId(), "suspense")).isZero();

    assertThat(
            jdbc.sql("SELECT kind, authorization_id FROM transactions WHERE id = :id")
                .param("id", txnId)
                .query((rs, row) -> rs.getString(1) + " " + rs.getString(2))
                .single())
        .isEqualTo("settlement " + auth);
    JsonNode stored = expect(api.get("/v1/transactions/" + txnId, card.key()), 200).body();
    assertThat(stored.get("authorization_id").asString()).isEqualTo(auth);
    assertThat(payments.eventTypes(txnId)).containsExactly("transaction.settled");
    // The spend counts what was bought: a clearing neither adds nor releases usage.
    assertThat(payments.cardSpend(card, "day")).isEqualTo(2_500);
  }

  @Test
  void partialFinalClearingReleasesTheRemainder() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();

    JsonNode txn = cleared(card, auth, "{\"amount\": 2000, \"final_clearing\": true}");

    assertThat(txn.get("card_amount").asLong()).isEqualTo(2_000);
    assertThat(txn.get("review_required").asBoolean()).isFalse();
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("closed");
    assertThat(a.get("cleared_amount").asLong()).isEqualTo(2_000);
    assertThat(a.get("held_amount").asLong()).isZero();
    payments.assertBalances(card, 8_000, 0, 8_000);
  }

  @Test
  void partialFinalClearingReleasesTheRemainderFromTheSpendWindowsToo() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();

    cleared(card, auth, "{\"amount\": 2000, \"final_clearing\": true}");

    payments.assertBalances(card, 8_000, 0, 8_000);
    assertThat(payments.cardSpend(card, "day")).isEqualTo(2_000);
  }

  @Test
  void partialNonFinalClearingKeepsTheRemainderHeldUntilTheNextClearingClosesIt() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();

    JsonNode first = cleared(card, auth, "{\"amount\": 1000, \"final_clearing\": false}");

    assertThat(first.get("card_amount").asLong()).isEqualTo(1_000);
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("pending");
    assertThat(a.get("held_amount").asLong()).isEqualTo(1_500);
    assertThat(a.get("cleared_amount").asLong()).isEqualTo(1_000);
    payments.assertBalances(card, 9_000, 1_500, 7_500);

    JsonNode second = cleared(card, auth, "{\"amount\": 1500}");

    assertThat(second.get("id").asString()).isNotEqualTo(first.get("id").asString());
    a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("closed");
    assertThat(a.get("held_amount").asLong()).isZero();
    assertThat(a.get("cleared_amount").asLong()).isEqualTo(2_500);
    payments.assertBalances(card, 7_500, 0, 7_500);
    assertThat(payments.transactionCount(card.id())).isEqualTo(2);
    assertThat(first.get("review_required").asBoolean()).isFalse();
    assertThat(second.get("review_required").asBoolean()).isFalse();
    assertThat(payments.settledSinceStart(card)).isEqualTo(2_500);
  }

  @Test
  void reversingTheRemainderAfterAPartialClearingClosesTheAuthorization() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();
    cleared(card, auth, "{\"amount\": 1000, \"final_clearing\": false}");
    payments.assertBalances(card, 9_000, 1_500, 7_500);

    JsonNode rev = expect(reverse(card, auth, null), 201).body();

    assertThat(rev.get("approved").asBoolean()).isTrue();
    assertThat(rev.get("card_amount").asLong()).isEqualTo(1_500);
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("closed");
    assertThat(a.get("cleared_amount").asLong()).isEqualTo(1_000);
    assertThat(a.get("reversed_amount").asLong()).isEqualTo(1_500);
    payments.assertBalances(card, 9_000, 0, 9_000);
    assertThat(payments.cardSpend(card, "day")).isEqualTo(1_000);
  }

  @Test
  void overClearingWithinTheToleranceAndTheBalancePostsWithoutReview() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_000).get("id").asString();

    JsonNode txn = cleared(card, auth, "{\"amount\": 2200}");

    assertThat(txn.get("card_amount").asLong()).isEqualTo(2_200);
    assertThat(txn.get("review_required").asBoolean()).isFalse();
    assertThat(txn.get("review_reason").isNull()).isTrue();
    assertThat(payments.authorization(card, auth).get("status").asString()).isEqualTo("closed");
    payments.assertBalances(card, 7_800, 0, 7_800);
    assertThat(payments.systemBalance(card.tenantId(), "suspense")).isZero();
  }

  @Test
  void overClearingBeyondTenPercentOfTheAuthorizedAmountIsFlaggedForReview() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_000).get("id").asString();

    JsonNode txn = cleared(card, auth, "{\"amount\": 2201}");

    assertThat(txn.get("review_required").asBoolean()).isTrue();
    assertThat(txn.get("review_reason").asString()).contains("tolerance");
    payments.assertBalances(card, 7_799, 0, 7_799);
    assertThat(payments.systemBalance(card.tenantId(), "suspense"))
        .as("the account covered it all")
        .isZero();
    assertThat(payments.settledSinceStart(card)).isEqualTo(2_201);
  }

  @Test
  void overClearingBeyondHeldAndAvailableBooksTheShortfallToSuspense() {
    FundedCard card = payments.card(3_000);
    String auth = payments.approve(card, 2_500).get("id").asString();
    payments.assertBalances(card, 3_000, 2_500, 500);

    JsonNode txn = cleared(card, auth, "{\"amount\": 4000}");

    assertThat(txn.get("card_amount").asLong()).isEqualTo(4_000);
    assertThat(txn.get("review_required").asBoolean()).isTrue();
    assertThat(txn.get("review_reason").asString()).contains("suspense");
    payments.assertBalances(card, 0, 0, 0);
    assertThat(payments.systemBalance(card.tenantId(), "suspense")).isEqualTo(-1_000);
    assertThat(payments.settledSinceStart(card)).isEqualTo(4_000);
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM accounts WHERE tenant_id = :t AND kind = 'suspense'"
                        + " AND currency = 'USD'")
                .param("t", card.tenantId())
                .query(Long.class)
                .single())
        .isEqualTo(1);
    JsonNode a = payments.authorization(card, auth);
    assertThat(a.get("status").asString()).isEqualTo("closed");
    assertThat(a.get("held_amount").asLong()).isZero();
  }

  @Test
  void aClearingOfADeclinedAuthorizationIsRefused() {
    FundedCard card = payments.card(1_000);
    JsonNode declined =
        expect(
                api.post(
                    "/v1/simulate/authorizations",
                    card.key(),
                    Payments.authorizationJson(card.id(), 5_000, "")),
                201)
            .body();
    assertThat(declined.get("decline_reason").asString()).isEqualTo("insufficient_funds");

    Response r = clear(card, declined.get("id").asString(), null);

    assertThat(r.status()).isEqualTo(409);
    payments.assertBalances(card, 1_000, 0, 1_000);
    assertThat(payments.transactionCount(card.id())).isZero();
  }

  // ------------------------------------------------------------------ force posts

  @Test
  void forcePostPostsWithoutAnAuthorizationAndIsFlaggedForReview() {
    FundedCard card = payments.card(10_000);

    JsonNode txn =
        expect(
                api.post(
                    "/v1/simulate/force-posts", card.key(), merchantMovement(card.id(), 1_200, "")),
                201)
            .body();

    assertThat(txn.get("kind").asString()).isEqualTo("force_post");
    assertThat(txn.get("authorization_id").isNull()).isTrue();
    assertThat(txn.get("card_amount").asLong()).isEqualTo(1_200);
    assertThat(txn.get("review_required").asBoolean()).isTrue();
    payments.assertBalances(card, 8_800, 0, 8_800);
    assertThat(payments.settledSinceStart(card)).isEqualTo(1_200);
    assertThat(payments.systemBalance(card.tenantId(), "suspense")).isZero();
    assertThat(payments.eventTypes(txn.get("id").asString()))
        .containsExactly("transaction.settled");
  }

  @Test
  void forcePostBeyondTheBalanceEndsAtZeroAvailableAndSuspenseTakesTheRest() {
    FundedCard card = payments.card(1_000);

    JsonNode txn =
        expect(
                api.post(
                    "/v1/simulate/force-posts", card.key(), merchantMovement(card.id(), 1_500, "")),
                201)
            .body();

    assertThat(txn.get("card_amount").asLong()).isEqualTo(1_500);
    assertThat(txn.get("review_required").asBoolean()).isTrue();
    assertThat(txn.get("review_reason").asString()).contains("suspense");
    payments.assertBalances(card, 0, 0, 0);
    assertThat(payments.systemBalance(card.tenantId(), "suspense")).isEqualTo(-500);
    assertThat(payments.settledSinceStart(card)).isEqualTo(1_500);
  }

  @Test
  void forcePostLeavesAnotherAuthorizationsHoldInPlaceAndNeverMakesAvailableNegative() {
    FundedCard card = payments.card(1_000);
    String auth = payments.approve(card, 600).get("id").asString();

    expect(
        api.post("/v1/simulate/force-posts", card.key(), merchantMovement(card.id(), 1_000, "")),
        201);

    payments.assertBalances(card, 600, 600, 0);
    assertThat(payments.systemBalance(card.tenantId(), "suspense")).isEqualTo(-600);
    assertThat(payments.authorization(card, auth).get("held_amount").asLong()).isEqualTo(600);

    cleared(card, auth, null);
    payments.assertBalances(card, 0, 0, 0);
  }

  // ------------------------------------------------------------------ refunds

  @Test
  void refundCreditsTheCardFromSettlementAndLinksTheOriginalAuthorization() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();
    cleared(card, auth, null);
    payments.assertBalances(card, 7_500, 0, 7_500);

    JsonNode refund =
        expect(
                api.post(
                    "/v1/simulate/refunds",
                    card.key(),
                    merchantMovement(
                        card.id(), 1_000, ", \"authorization_id\": \"%s\"".formatted(auth))),
                201)
            .body();

    String id = refund.get("id").asString();
    assertThat(refund.get("kind").asString()).isEqualTo("refund");
    assertThat(refund.get("authorization_id").asString()).isEqualTo(auth);
    assertThat(refund.get("card_amount").asLong()).isEqualTo(1_000);
    assertThat(refund.get("review_required").asBoolean()).isFalse();
    payments.assertBalances(card, 8_500, 0, 8_500);
    assertThat(payments.settledSinceStart(card)).isEqualTo(1_500);
    assertThat(payments.eventTypes(id)).containsExactly("transaction.refunded");
    assertThat(
            expect(api.get("/v1/transactions/" + id, card.key()), 200)
                .body()
                .get("kind")
                .asString())
        .isEqualTo("refund");
  }

  @Test
  void refundWithoutAnOriginalCreditsTheCardUnlinked() {
    FundedCard card = payments.card(1_000);

    JsonNode refund =
        expect(
                api.post("/v1/simulate/refunds", card.key(), merchantMovement(card.id(), 400, "")),
                201)
            .body();

    assertThat(refund.get("kind").asString()).isEqualTo("refund");
    assertThat(refund.get("authorization_id").isNull()).isTrue();
    payments.assertBalances(card, 1_400, 0, 1_400);
    assertThat(payments.settledSinceStart(card)).isEqualTo(-400);
  }

  // ------------------------------------------------------------------ single use

  @Test
  void singleUseCardIsTerminatedAfterItsFirstClearing() {
    FundedCard card = payments.card(10_000, "", ", \"single_use\": true");
    JsonNode before = expect(api.get("/v1/cards/" + card.id(), card.key()), 200).body();
    assertThat(before.get("single_use").asBoolean()).isTrue();
    String auth = payments.approve(card, 2_500).get("id").asString();
    assertThat(
            expect(api.get("/v1/cards/" + card.id(), card.key()), 200)
                .body()
                .get("status")
                .asString())
        .as("approval alone does not end the card")
        .isEqualTo("active");

    cleared(card, auth, null);

    JsonNode after = expect(api.get("/v1/cards/" + card.id(), card.key()), 200).body();
    assertThat(after.get("status").asString()).isEqualTo("terminated");
    // What the purchase did not use went back to the cardholder's wallet.
    payments.assertBalances(card, 0, 0, 0);
    assertThat(payments.balances(card.key(), card.setup().walletId()))
        .isEqualTo(new Balances(7_500, 0, 7_500));
    assertThat(payments.eventTypes(card.id())).contains("card.terminated");
  }

  @Test
  void anOrdinaryCardStaysActiveAfterItsClearing() {
    FundedCard card = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();

    cleared(card, auth, null);

    assertThat(
            expect(api.get("/v1/cards/" + card.id(), card.key()), 200)
                .body()
                .get("status")
                .asString())
        .isEqualTo("active");
    payments.assertBalances(card, 7_500, 0, 7_500);
  }

  // ------------------------------------------------------------------ /v1/transactions

  @Test
  void transactionsListAndFilterByCardAndKind() {
    FundedCard first = payments.card(10_000);
    payments.fixtures.deposit(first.key(), first.setup().walletId(), 5_000);
    FundedCard second = payments.cardOn(first.setup(), 5_000, "");
    String auth = payments.approve(first, 2_500).get("id").asString();
    String settlement = cleared(first, auth, null).get("id").asString();
    String refund =
        expect(
                api.post(
                    "/v1/simulate/refunds", first.key(), merchantMovement(first.id(), 300, "")),
                201)
            .id();
    String forcePost =
        expect(
                api.post(
                    "/v1/simulate/force-posts",
                    first.key(),
                    merchantMovement(second.id(), 700, "")),
                201)
            .id();

    assertThat(Payments.ids(list(first, ""))).containsExactly(forcePost, refund, settlement);
    assertThat(Payments.ids(list(first, "card_id=" + first.id())))
        .containsExactly(refund, settlement);
    assertThat(Payments.ids(list(first, "card_id=" + second.id()))).containsExactly(forcePost);
    assertThat(Payments.ids(list(first, "kind=refund"))).containsExactly(refund);
    assertThat(Payments.ids(list(first, "kind=settlement"))).containsExactly(settlement);
    assertThat(Payments.ids(list(first, "card_id=" + second.id() + "&kind=refund"))).isEmpty();
    Response page = list(first, "limit=2");
    assertThat(Payments.ids(page)).containsExactly(forcePost, refund);
    assertThat(page.body().get("has_more").asBoolean()).isTrue();
    assertThat(Payments.ids(list(first, "starting_after=" + refund))).containsExactly(settlement);

    payments.assertBalances(first, 7_800, 0, 7_800);
    payments.assertBalances(second, 4_300, 0, 4_300);
  }

  @Test
  void anotherTenantsTransactionIsNotFound() {
    FundedCard card = payments.card(10_000);
    FundedCard stranger = payments.card(10_000);
    String auth = payments.approve(card, 2_500).get("id").asString();
    String txn = cleared(card, auth, null).get("id").asString();

    Response foreign = api.get("/v1/transactions/" + txn, stranger.key());

    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.code()).isEqualTo("resource_not_found");
    assertThat(Payments.ids(list(stranger, ""))).isEmpty();
    assertThat(Payments.ids(list(stranger, "card_id=" + card.id()))).isEmpty();
    assertThat(expect(api.get("/v1/transactions/" + txn, card.key()), 200).id()).isEqualTo(txn);
    payments.assertBalances(card, 7_500, 0, 7_500);
    payments.assertBalances(stranger, 10_000, 0, 10_000);
  }

  private Response list(FundedCard card, String query) {
    return expect(
        api.get("/v1/transactions" + (query.isEmpty() ? "" : "?" + query), card.key()), 200);
  }
}
