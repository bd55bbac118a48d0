package dev.cardos.authorization;

import static dev.cardos.authorization.Issuer.authorization;
import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.authorization.Issuer.TestCard;
import dev.cardos.controls.Window;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The authorization path end to end over HTTP, against the real database: approvals that hold the
 * card amount, every internal decline reason stored with its code and explanation, controls at
 * program, cardholder and card level, currency conversion, repeated network messages, events and
 * tenant isolation.
 */
@ServerTest
class AuthorizationsIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private TestApi api;
  private Issuer issuer;

  @BeforeEach
  void newIssuer() {
    api = new TestApi(port);
    issuer = Issuer.create(api);
  }

  @AfterEach
  void booksBalance() {
    JsonNode verify = expect(api.get("/v1/admin/ledger/verify", OPERATOR_KEY), 200).body();
    assertThat(verify.get("violations")).isEmpty();
    assertThat(verify.get("ok").asBoolean()).isTrue();
  }

  // ------------------------------------------------------------------ approval

  @Test
  void anApprovalHoldsTheCardAmountAndCountsAgainstTheSpendWindows() {
    TestCard card = issuer.b2cCard(10_000);

    JsonNode a = issuer.authorize(card.id(), 2_500);

    assertThat(a.get("id").asString()).startsWith("auth_");
    assertThat(a.get("approved").asBoolean()).isTrue();
    assertThat(a.get("status").asString()).isEqualTo("pending");
    assertThat(a.get("response_code").asString()).isEqualTo("00");
    assertThat(a.get("decline_reason").isNull()).isTrue();
    assertThat(a.get("decision_source").asString()).isEqualTo("internal");
    assertThat(a.get("card_id").asString()).isEqualTo(card.id());
    assertThat(a.get("cardholder_id").asString()).isEqualTo(card.cardholderId());
    assertThat(a.get("account_id").asString()).isEqualTo(card.accountId());
    assertThat(a.get("amount").asLong()).isEqualTo(2_500);
    assertThat(a.get("currency").asString()).isEqualTo("USD");
    assertThat(a.get("card_amount").asLong()).isEqualTo(2_500);
    assertThat(a.get("card_currency").asString()).isEqualTo("USD");
    assertThat(a.get("fx_rate").isNull()).isTrue();
    assertThat(a.get("merchant").get("mcc").asString()).isEqualTo("5411");
    assertThat(a.get("merchant").get("country").asString()).isEqualTo("US");
    assertThat(a.get("channel").asString()).isEqualTo("pos");
    assertThat(a.get("network_transaction_id").asString()).isNotBlank();
    assertThat(a.get("livemode").asBoolean()).isFalse();
    String holdId = a.get("hold_id").asString();
    assertThat(holdId).isNotBlank();

    JsonNode balances = issuer.balances(card.accountId());
    assertThat(balances.get("ledger").asLong()).isEqualTo(10_000);
    assertThat(balances.get("held").asLong()).isEqualTo(2_500);
    assertThat(balances.get("available").asLong()).isEqualTo(7_500);
    assertThat(activeHolds(card.accountId())).containsExactly(2_500L);
    assertThat(
            jdbc.sql("SELECT account_id FROM holds WHERE id = :id")
                .param("id", holdId)
                .query(String.class)
                .single())
        .isEqualTo(card.accountId());

    JsonNode stored = issuer.authorizationById(a.get("id").asString());
    assertThat(stored.get("approved").asBoolean()).isTrue();
    assertThat(stored.get("hold_id").asString()).isEqualTo(holdId);

    JsonNode spend = expect(issuer.get("/v1/cards/" + card.id() + "/spend"), 200).body();
    assertThat(spend.get("currency").asString()).isEqualTo("USD");
    for (String window : List.of("day", "week", "month", "lifetime")) {
      JsonNode w = window(spend, "card", window);
      assertThat(w.get("amount_used").asLong()).as(window).isEqualTo(2_500);
      assertThat(w.get("count_used").asLong()).as(window).isEqualTo(1);
      JsonNode holder = window(spend, "cardholder", window);
      assertThat(holder.get("amount_used").asLong()).as(window).isEqualTo(2_500);
    }
  }

  @Test
  void theSpendShowsLimitsRemainingAndWindowsInTheProgramsTimeZone() {
    String zone = "Pacific/Kiritimati";
    TestCard card =
        issuer.b2cCardOn(
            issuer.program(
                "b2c",
                ", \"time_zone\": \"%s\", \"default_controls\": {\"weekly_limit\": 9000}"
                    .formatted(zone)),
            10_000);
    issuer.putCardControls(card.id(), "{\"daily_limit\": 6000, \"daily_count\": 5}");
    expect(
        issuer.put(
            "/v1/cardholders/" + card.cardholderId() + "/controls", "{\"monthly_limit\": 8000}"),
        200);
    Instant before = Instant.now();
    issuer.authorize(card.id(), 2_000);

    JsonNode spend = expect(issuer.get("/v1/cards/" + card.id() + "/spend"), 200).body();
    Instant after = Instant.now();

    assertThat(spend.get("time_zone").asString()).isEqualTo(zone);
    JsonNode day = window(spend, "card", "day");
    assertThat(day.get("window_key").asString())
        .isIn(Window.DAY.key(before, ZoneId.of(zone)), Window.DAY.key(after, ZoneId.of(zone)));
    assertThat(Instant.parse(day.get("resets_at").asString()))
        .isIn(Window.DAY.end(before, ZoneId.of(zone)), Window.DAY.end(after, ZoneId.of(zone)));
    assertThat(day.get("amount_limit").asLong()).isEqualTo(6_000);
    assertThat(day.get("amount_used").asLong()).isEqualTo(2_000);
    assertThat(day.get("amount_remaining").asLong()).isEqualTo(4_000);
    assertThat(day.get("count_limit").asLong()).isEqualTo(5);
    assertThat(day.get("count_used").asLong()).isEqualTo(1);
    JsonNode week = window(spend, "card", "week");
    assertThat(week.get("amount_limit").asLong()).as("the program's limit").isEqualTo(9_000);
    assertThat(week.get("amount_remaining").asLong()).isEqualTo(7_000);
    JsonNode month = window(spend, "cardholder", "month");
    assertThat(month.get("amount_limit").asLong()).isEqualTo(8_000);
    assertThat(month.get("amount_remaining").asLong()).isEqualTo(6_000);
    assertThat(window(spend, "card", "lifetime").get("resets_at").isNull()).isTrue();
  }

  @Test
  void aB2bCardHoldsOnTheBusinesssFundingAccount() {
    String program = issuer.program("b2b", "");
    String funding = issuer.fundedFundingAccount(50_000);
    JsonNode card = issuer.issue(program, null, "virtual");
    assertThat(card.get("account_id").asString()).isEqualTo(funding);

    JsonNode approved = issuer.authorize(card.get("id").asString(), 30_000);
    JsonNode declined = issuer.authorize(card.get("id").asString(), 30_000);

    assertThat(approved.get("approved").asBoolean()).isTrue();
    assertThat(approved.get("account_id").asString()).isEqualTo(funding);
    assertDeclined(
        declined, "insufficient_funds", "51", "Available 200.00 USD, requested 300.00 USD");
    assertThat(issuer.balances(funding).get("held").asLong()).isEqualTo(30_000);
    assertThat(issuer.balances(funding).get("available").asLong()).isEqualTo(20_000);
  }

  // ------------------------------------------------------------------ card status

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "freeze, card_frozen, 62, The card is frozen",
    "block, card_blocked, 62, The card is blocked",
    "terminate, card_terminated, 62, The card is terminated"
  })
  void aCardThatIsNotActiveIsDeclinedForItsStatus(
      String action, String reason, String code, String explanation) {
    TestCard card = issuer.b2cCard(10_000);
    String body = "block".equals(action) ? "{\"reason\": \"lost\"}" : null;
    expect(issuer.post("/v1/cards/" + card.id() + "/" + action, body), 200);

    JsonNode a = issuer.authorize(card.id(), 1_000);

    assertDeclined(a, reason, code, explanation);
    assertThat(activeHolds(card.accountId())).isEmpty();
  }

  @Test
  void anUnfrozenCardIsApprovedAgain() {
    TestCard card = issuer.b2cCard(10_000);
    expect(issuer.post("/v1/cards/" + card.id() + "/freeze", null), 200);
    assertDeclined(issuer.authorize(card.id(), 1_000), "card_frozen", "62", "frozen");

    expect(issuer.post("/v1/cards/" + card.id() + "/unfreeze", null), 200);

    assertApproved(issuer.authorize(card.id(), 1_000));
  }

  @Test
  void aPhysicalCardNotYetActivatedIsDeclinedInactive() {
    String program = issuer.program("b2c", "");
    String cardholder = issuer.cardholder();
    JsonNode card = issuer.issue(program, cardholder, "physical");
    assertThat(card.get("status").asString()).isEqualTo("pending");

    JsonNode a = issuer.authorize(card.get("id").asString(), 100);

    assertDeclined(a, "card_inactive", "62", "The card is pending");
  }

  @Test
  void anExpiredCardIsDeclinedExpired() {
    TestCard card = issuer.b2cCard(10_000);
    jdbc.sql("UPDATE cards SET status = 'expired' WHERE id = :id").param("id", card.id()).update();

    assertDeclined(issuer.authorize(card.id(), 100), "card_expired", "54", "expired");
  }

  @Test
  void theWrongExpiryIsDeclinedAndTheRightOneApproved() {
    TestCard card = issuer.b2cCard(10_000);
    String right = "%02d%02d".formatted(card.expYear() % 100, card.expMonth());
    String wrong = "%02d%02d".formatted((card.expYear() + 1) % 100, card.expMonth());

    JsonNode declined =
        issuer.authorize(withExtra(card.id(), 500, ", \"expiry\": \"" + wrong + "\""));
    JsonNode approved =
        issuer.authorize(withExtra(card.id(), 500, ", \"expiry\": \"" + right + "\""));

    assertDeclined(declined, "expiry_mismatch", "54", "expiry");
    assertApproved(approved);
  }

  @Test
  void theWrongCvv2IsDeclinedAndTheRightOneApproved() {
    TestCard card = issuer.b2cCard(10_000);
    String cvv2 = issuer.sensitive(card.id()).get("cvv2").asString();
    String wrong = "%03d".formatted((Integer.parseInt(cvv2) + 1) % 1000);

    JsonNode declined =
        issuer.authorize(withExtra(card.id(), 500, ", \"cvv2\": \"" + wrong + "\""));
    JsonNode approved = issuer.authorize(withExtra(card.id(), 500, ", \"cvv2\": \"" + cvv2 + "\""));

    assertDeclined(declined, "invalid_cvv", "05", "CVV2");
    assertApproved(approved);
  }

  @Test
  void fiveWrongCvv2sInTenMinutesLookLikeCardTestingAndDeclineEvenTheRightOne() {
    TestCard card = issuer.b2cCard(10_000);
    String cvv2 = issuer.sensitive(card.id()).get("cvv2").asString();
    String wrong = "%03d".formatted((Integer.parseInt(cvv2) + 1) % 1000);
    for (int i = 0; i < 4; i++) {
      issuer.authorize(withExtra(card.id(), 500, ", \"cvv2\": \"" + wrong + "\""));
    }
    assertApproved(issuer.authorize(withExtra(card.id(), 500, ", \"cvv2\": \"" + cvv2 + "\"")));

    issuer.authorize(withExtra(card.id(), 500, ", \"cvv2\": \"" + wrong + "\""));
    JsonNode afterFive =
        issuer.authorize(withExtra(card.id(), 500, ", \"cvv2\": \"" + cvv2 + "\""));

    assertDeclined(afterFive, "risk_rule", "05", "card testing");
  }

  @Test
  void authorizationsAreListedByTime() {
    TestCard card = issuer.b2cCard(10_000);
    JsonNode first = issuer.authorize(card.id(), 100);
    JsonNode second = issuer.authorize(card.id(), 100);
    String between = second.get("created_at").asString();

    JsonNode before =
        issuer.get("/v1/authorizations?card_id=" + card.id() + "&created_before=" + between).body();
    JsonNode after =
        issuer
            .get(
                "/v1/authorizations?card_id="
                    + card.id()
                    + "&created_after="
                    + first.get("created_at").asString())
            .body();

    assertThat(before.get("data")).hasSize(1);
    assertThat(before.get("data").get(0).get("id").asString())
        .isEqualTo(first.get("id").asString());
    assertThat(after.get("data")).hasSize(1);
    assertThat(after.get("data").get(0).get("id").asString())
        .isEqualTo(second.get("id").asString());
  }

  @Test
  void threeWrongPinsLockPinUseEvenForTheRightPin() {
    TestCard card = issuer.b2cCard(10_000);
    assertDeclined(
        issuer.authorize(withPin(card.id(), pinBlock(card.id(), "1234"))),
        "incorrect_pin",
        "55",
        "PIN");
    setPin(card.id(), "1234");

    assertApproved(issuer.authorize(withPin(card.id(), pinBlock(card.id(), "1234"))));
    assertDeclined(
        issuer.authorize(withPin(card.id(), pinBlock(card.id(), "9999"))),
        "incorrect_pin",
        "55",
        "PIN is incorrect");
    assertDeclined(
        issuer.authorize(withPin(card.id(), pinBlock(card.id(), "1111"))),
        "incorrect_pin",
        "55",
        "PIN is incorrect");
    assertDeclined(
        issuer.authorize(withPin(card.id(), pinBlock(card.id(), "4321"))),
        "pin_tries_exceeded",
        "75",
        "locked");
    assertDeclined(
        issuer.authorize(withPin(card.id(), pinBlock(card.id(), "1234"))),
        "pin_tries_exceeded",
        "75",
        "locked");

    setPin(card.id(), "5678");
    assertApproved(issuer.authorize(withPin(card.id(), pinBlock(card.id(), "5678"))));
  }

  @Test
  void aFrozenCardsWrongPinsAreNotCounted() {
    TestCard card = issuer.b2cCard(10_000);
    setPin(card.id(), "1234");
    expect(issuer.post("/v1/cards/" + card.id() + "/freeze", null), 200);
    for (int i = 0; i < 3; i++) {
      assertDeclined(
          issuer.authorize(withPin(card.id(), pinBlock(card.id(), "9999"))),
          "card_frozen",
          "62",
          "frozen");
    }
    expect(issuer.post("/v1/cards/" + card.id() + "/unfreeze", null), 200);

    assertApproved(issuer.authorize(withPin(card.id(), pinBlock(card.id(), "1234"))));
  }

  @Test
  void aFailedThreeDSecureIsDeclinedOnlyForECommerceOnABinThatRequiresIt() {
    String program = issuer.programOn(issuer.binRange("three_ds"), "b2c", "");
    TestCard card = issuer.b2cCardOn(program, 10_000);
    TestCard without = issuer.b2cCard(10_000);

    JsonNode failed = issuer.authorize(threeDs(card.id(), "ecommerce", "failed"));
    JsonNode authenticated = issuer.authorize(threeDs(card.id(), "ecommerce", "authenticated"));
    JsonNode notAttempted = issuer.authorize(threeDs(card.id(), "ecommerce", "not_attempted"));
    JsonNode atAShop = issuer.authorize(threeDs(card.id(), "pos", "failed"));
    JsonNode binWithout = issuer.authorize(threeDs(without.id(), "ecommerce", "failed"));

    assertDeclined(failed, "three_ds_failed", "05", "3-D Secure");
    assertApproved(authenticated);
    assertApproved(notAttempted);
    assertApproved(atAShop);
    assertApproved(binWithout);
  }

  // ------------------------------------------------------------------ currency

  @Test
  void aCurrencyNoRateConvertsIsDeclined() {
    TestCard card = issuer.b2cCard(10_000);

    JsonNode a =
        issuer.authorize(authorization(card.id(), 1_000, "THB", "pos", "m_1", "5411", "TH", ""));

    assertDeclined(a, "currency_not_allowed", "57", "No rate converts THB into USD");
  }

  @Test
  void aCurrencyOutsideTheAllowListIsDeclinedEvenWithARate() {
    setRate("EUR", "USD", "1.10");
    TestCard card = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"allowed_currencies\": [\"USD\"]}");

    JsonNode euros =
        issuer.authorize(authorization(card.id(), 1_000, "EUR", "pos", "m_1", "5411", "DE", ""));
    JsonNode dollars = issuer.authorize(card.id(), 1_000);

    assertDeclined(
        euros, "currency_not_allowed", "57", "EUR is not among the allowed currencies [USD]");
    assertApproved(dollars);
  }

  @Test
  void aForeignCurrencyIsConvertedAtTheOperatorsRateAndLimitsApplyInTheCardCurrency() {
    setRate("EUR", "USD", "1.10");
    TestCard card = issuer.b2cCard(20_000);
    issuer.putCardControls(card.id(), "{\"per_transaction_limit\": 10500}");

    JsonNode over =
        issuer.authorize(authorization(card.id(), 10_000, "EUR", "pos", "m_1", "5411", "DE", ""));
    JsonNode within =
        issuer.authorize(authorization(card.id(), 9_000, "EUR", "pos", "m_1", "5411", "DE", ""));

    assertDeclined(
        over,
        "transaction_limit_exceeded",
        "61",
        "Per-transaction limit 105.00 USD, requested 110.00 USD");
    assertApproved(within);
    assertThat(within.get("amount").asLong()).isEqualTo(9_000);
    assertThat(within.get("currency").asString()).isEqualTo("EUR");
    assertThat(within.get("card_amount").asLong()).isEqualTo(9_900);
    assertThat(within.get("card_currency").asString()).isEqualTo("USD");
    assertThat(within.get("fx_rate").asString()).isEqualTo("1.1");
    assertThat(issuer.authorizationById(within.get("id").asString()).get("fx_rate").asString())
        .isEqualTo("1.1");
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isEqualTo(9_900);
  }

  @Test
  void theProgramsMarkupIsAddedToTheRate() {
    setRate("EUR", "USD", "1.10");
    TestCard card = issuer.b2cCardOn(issuer.program("b2c", ", \"fx_markup_bps\": 200"), 20_000);

    JsonNode a =
        issuer.authorize(authorization(card.id(), 10_000, "EUR", "pos", "m_1", "5411", "DE", ""));

    assertApproved(a);
    assertThat(a.get("card_amount").asLong()).isEqualTo(11_220);
    assertThat(a.get("fx_rate").asString()).isEqualTo("1.122");
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isEqualTo(11_220);
  }

  // ------------------------------------------------------------------ limits

  @Test
  void anAmountOverThePerTransactionLimitIsDeclined() {
    TestCard card = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"per_transaction_limit\": 5000}");

    JsonNode over = issuer.authorize(card.id(), 5_001);
    JsonNode exactly = issuer.authorize(card.id(), 5_000);

    assertDeclined(
        over,
        "transaction_limit_exceeded",
        "61",
        "Per-transaction limit 50.00 USD, requested 50.01 USD");
    assertApproved(exactly);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "daily_limit, daily_limit_exceeded, Card daily limit 60.00 USD",
    "weekly_limit, weekly_limit_exceeded, Card weekly limit 60.00 USD",
    "monthly_limit, monthly_limit_exceeded, Card monthly limit 60.00 USD",
    "lifetime_limit, lifetime_limit_exceeded, Card lifetime limit 60.00 USD"
  })
  void spendingOverAWindowedLimitIsDeclinedWithWhatWasSpent(
      String field, String reason, String limitText) {
    TestCard card = issuer.b2cCard(20_000);
    issuer.putCardControls(card.id(), "{\"" + field + "\": 6000}");
    assertApproved(issuer.authorize(card.id(), 5_500));

    JsonNode over = issuer.authorize(card.id(), 2_500);
    JsonNode upToTheLimit = issuer.authorize(card.id(), 500);
    JsonNode beyond = issuer.authorize(card.id(), 1);

    assertDeclined(over, reason, "61", limitText + ", spent 55.00, requested 25.00");
    assertApproved(upToTheLimit);
    assertDeclined(beyond, reason, "61", limitText + ", spent 60.00, requested 0.01");
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isEqualTo(6_000);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "daily_count, day",
    "weekly_count, week",
    "monthly_count, month",
    "lifetime_count, lifetime"
  })
  void oneTransactionMoreThanTheCountAllowsIsDeclined(String field, String window) {
    TestCard card = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"" + field + "\": 2}");
    assertApproved(issuer.authorize(card.id(), 100));
    assertApproved(issuer.authorize(card.id(), 100));

    JsonNode third = issuer.authorize(card.id(), 100);

    assertDeclined(
        third,
        "velocity_count_exceeded",
        "65",
        "Card allows 2 transactions per " + window + "; 2 already");
  }

  @Test
  void aControlsChangeAppliesToTheVeryNextAuthorization() {
    TestCard card = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"per_transaction_limit\": 1000}");
    assertDeclined(issuer.authorize(card.id(), 1_500), "transaction_limit_exceeded", "61", "10.00");

    issuer.putCardControls(card.id(), "{\"per_transaction_limit\": 2000}");
    assertApproved(issuer.authorize(card.id(), 1_500));

    issuer.putCardControls(card.id(), "{\"blocked_mccs\": [\"5411\"]}");
    assertDeclined(issuer.authorize(card.id(), 1_500), "mcc_blocked", "57", "MCC 5411");

    issuer.putCardControls(card.id(), "{}");
    assertApproved(issuer.authorize(card.id(), 1_500));

    issuer.putCardControls(card.id(), "{\"daily_limit\": 3500}");
    assertDeclined(
        issuer.authorize(card.id(), 1_000),
        "daily_limit_exceeded",
        "61",
        "Card daily limit 35.00 USD, spent 30.00, requested 10.00");
  }

  @Test
  void cardholderLimitsCountTheSpendingOfAllTheCardholdersCards() {
    String program = issuer.program("b2c", "");
    String cardholder = issuer.cardholder();
    issuer.fundedWallet(cardholder, 40_000);
    String first = issuer.issue(program, cardholder, "virtual").get("id").asString();
    String second = issuer.issue(program, cardholder, "virtual").get("id").asString();
    issuer.fund(first, 20_000);
    issuer.fund(second, 20_000);
    expect(
        issuer.put("/v1/cardholders/" + cardholder + "/controls", "{\"daily_limit\": 10000}"), 200);

    assertApproved(issuer.authorize(first, 6_000));
    JsonNode over = issuer.authorize(second, 5_000);
    JsonNode within = issuer.authorize(second, 4_000);
    JsonNode full = issuer.authorize(first, 1);

    assertDeclined(
        over,
        "daily_limit_exceeded",
        "61",
        "Cardholder daily limit 100.00 USD, spent 60.00, requested 50.00");
    assertApproved(within);
    assertDeclined(full, "daily_limit_exceeded", "61", "Cardholder daily limit 100.00 USD");
    JsonNode spend = expect(issuer.get("/v1/cards/" + second + "/spend"), 200).body();
    assertThat(window(spend, "card", "day").get("amount_used").asLong()).isEqualTo(4_000);
    assertThat(window(spend, "cardholder", "day").get("amount_used").asLong()).isEqualTo(10_000);
    assertThat(window(spend, "cardholder", "day").get("amount_remaining").asLong()).isZero();
  }

  @Test
  void theCardsOwnLimitsDoNotCountTheCardholdersOtherCards() {
    String program = issuer.program("b2c", "");
    String cardholder = issuer.cardholder();
    issuer.fundedWallet(cardholder, 40_000);
    String first = issuer.issue(program, cardholder, "virtual").get("id").asString();
    String second = issuer.issue(program, cardholder, "virtual").get("id").asString();
    issuer.fund(first, 20_000);
    issuer.fund(second, 20_000);
    issuer.putCardControls(first, "{\"daily_limit\": 6000}");
    issuer.putCardControls(second, "{\"daily_limit\": 6000}");

    assertApproved(issuer.authorize(first, 6_000));
    assertApproved(issuer.authorize(second, 6_000));
  }

  // ------------------------------------------------------------------ lists

  @Test
  void aBlockedMccIsDeclinedAndOthersApproved() {
    TestCard card = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"blocked_mccs\": [\"5812\"]}");

    JsonNode restaurant =
        issuer.authorize(authorization(card.id(), 100, "USD", "pos", "m_1", "5812", "US", ""));
    JsonNode grocer = issuer.authorize(card.id(), 100);

    assertDeclined(restaurant, "mcc_blocked", "57", "MCC 5812");
    assertApproved(grocer);
  }

  @Test
  void theProgramsGamblingGroupBlocksEveryGamblingMcc() {
    TestCard card =
        issuer.b2cCardOn(
            issuer.program("b2c", ", \"default_controls\": {\"blocked_mccs\": [\"gambling\"]}"),
            10_000);

    for (String mcc : List.of("7995", "7800", "7801", "7802")) {
      assertDeclined(
          issuer.authorize(authorization(card.id(), 100, "USD", "pos", "m_c", mcc, "US", "")),
          "mcc_blocked",
          "57",
          "MCC " + mcc);
    }
    assertApproved(issuer.authorize(card.id(), 100));
  }

  @Test
  void anAllowListOfMccGroupsAdmitsOnlyItsCodes() {
    TestCard card = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"allowed_mccs\": [\"travel\"]}");

    JsonNode airline =
        issuer.authorize(authorization(card.id(), 100, "USD", "pos", "m_air", "4511", "US", ""));
    JsonNode grocer = issuer.authorize(card.id(), 100);

    assertApproved(airline);
    assertDeclined(grocer, "mcc_blocked", "57", "MCC 5411");
  }

  @Test
  void aBlockedCountryIsDeclined() {
    TestCard card = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"blocked_countries\": [\"RU\"]}");

    JsonNode blocked =
        issuer.authorize(authorization(card.id(), 100, "USD", "pos", "m_1", "5411", "RU", ""));
    JsonNode home = issuer.authorize(card.id(), 100);

    assertDeclined(blocked, "country_blocked", "57", "Merchant country RU");
    assertApproved(home);
  }

  @Test
  void aBlockedMerchantIsDeclined() {
    TestCard card = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"blocked_merchant_ids\": [\"m_casino\"]}");

    JsonNode blocked =
        issuer.authorize(authorization(card.id(), 100, "USD", "pos", "m_casino", "5411", "US", ""));
    JsonNode other = issuer.authorize(card.id(), 100);

    assertDeclined(blocked, "merchant_blocked", "57", "Merchant m_casino");
    assertApproved(other);
  }

  @Test
  void aBlockedChannelIsDeclined() {
    TestCard card = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"blocked_channels\": [\"atm\"]}");

    JsonNode atm =
        issuer.authorize(authorization(card.id(), 100, "USD", "atm", "m_atm", "6011", "US", ""));
    JsonNode pos = issuer.authorize(card.id(), 100);

    assertDeclined(atm, "channel_blocked", "57", "Channel atm");
    assertApproved(pos);
  }

  @Test
  void anAmountOverTheAvailableBalanceIsDeclinedAndHoldsNothing() {
    TestCard card = issuer.b2cCard(10_000);

    JsonNode over = issuer.authorize(card.id(), 10_001);
    JsonNode all = issuer.authorize(card.id(), 10_000);
    JsonNode more = issuer.authorize(card.id(), 1);

    assertDeclined(over, "insufficient_funds", "51", "Available 100.00 USD, requested 100.01 USD");
    assertApproved(all);
    assertDeclined(more, "insufficient_funds", "51", "Available 0.00 USD, requested 0.01 USD");
    assertThat(activeHolds(card.accountId())).containsExactly(10_000L);
  }

  @Test
  void declinedPaymentsUseNoneOfTheLimits() {
    TestCard card = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"daily_limit\": 5000, \"blocked_countries\": [\"RU\"]}");
    assertDeclined(
        issuer.authorize(authorization(card.id(), 4_000, "USD", "pos", "m_1", "5411", "RU", "")),
        "country_blocked",
        "57",
        "RU");

    assertApproved(issuer.authorize(card.id(), 5_000));

    JsonNode spend = expect(issuer.get("/v1/cards/" + card.id() + "/spend"), 200).body();
    assertThat(window(spend, "card", "day").get("amount_used").asLong()).isEqualTo(5_000);
    assertThat(window(spend, "card", "day").get("count_used").asLong()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ repeated messages

  @Test
  void aRepeatedNetworkTransactionIdAnswersTheFirstAnswerAndHoldsNothingMore() {
    TestCard card = issuer.b2cCard(10_000);
    String ntid = "ntx_" + UUID.randomUUID();
    String body = withExtra(card.id(), 2_500, ", \"network_transaction_id\": \"" + ntid + "\"");

    JsonNode first = issuer.authorize(body);
    JsonNode again = issuer.authorize(body);
    // The same id with another amount is another message, not a repeat: refused, nothing held.
    Response otherAmount =
        issuer.post(
            "/v1/simulate/authorizations",
            withExtra(card.id(), 9_000, ", \"network_transaction_id\": \"" + ntid + "\""));

    assertApproved(first);
    assertThat(again).isEqualTo(first);
    assertThat(expect(otherAmount, 409).body().get("code").asString()).isEqualTo("reference_taken");
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isEqualTo(2_500);
    assertThat(activeHolds(card.accountId())).containsExactly(2_500L);
    assertThat(
            jdbc.sql("SELECT count(*) FROM authorizations WHERE network_transaction_id = :n")
                .param("n", ntid)
                .query(Long.class)
                .single())
        .isEqualTo(1);
    JsonNode spend = expect(issuer.get("/v1/cards/" + card.id() + "/spend"), 200).body();
    assertThat(window(spend, "card", "day").get("count_used").asLong()).isEqualTo(1);
  }

  @Test
  void aRepeatedDeclineAnswersTheFirstDeclineEvenAfterItsCauseIsGone() {
    TestCard card = issuer.b2cCard(10_000);
    expect(issuer.post("/v1/cards/" + card.id() + "/freeze", null), 200);
    String body =
        withExtra(
            card.id(), 1_000, ", \"network_transaction_id\": \"ntx_" + UUID.randomUUID() + "\"");
    JsonNode first = issuer.authorize(body);
    expect(issuer.post("/v1/cards/" + card.id() + "/unfreeze", null), 200);

    JsonNode again = issuer.authorize(body);

    assertDeclined(first, "card_frozen", "62", "frozen");
    assertThat(again).isEqualTo(first);
    assertThat(activeHolds(card.accountId())).isEmpty();
  }

  // ------------------------------------------------------------------ events

  @Test
  void approvalsAndDeclinesAreEventsWithoutTheCardNumber() {
    TestCard card = issuer.b2cCard(10_000);
    String pan = issuer.sensitive(card.id()).get("pan").asString();

    JsonNode approved = issuer.authorize(card.id(), 1_000);
    JsonNode declined = issuer.authorize(card.id(), 100_000);

    List<String[]> events =
        jdbc.sql(
                """
                SELECT type, object_id, data::text FROM events
                WHERE tenant_id = :tenant AND type LIKE 'authorization.%'
                ORDER BY id
                """)
            .param("tenant", issuer.tenantId)
            .query((rs, row) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
            .list();
    assertThat(events).hasSize(2);
    assertThat(events.get(0)[0]).isEqualTo("authorization.approved");
    assertThat(events.get(0)[1]).isEqualTo(approved.get("id").asString());
    assertThat(events.get(0)[2]).contains(approved.get("hold_id").asString());
    assertThat(events.get(1)[0]).isEqualTo("authorization.declined");
    assertThat(events.get(1)[1]).isEqualTo(declined.get("id").asString());
    assertThat(events.get(1)[2]).contains("insufficient_funds");
    assertThat(pan).hasSizeGreaterThanOrEqualTo(13);
    for (String[] event : events) {
      assertThat(event[2]).doesNotContain(pan).doesNotContain(pan.substring(0, 12));
    }
    assertThat(approved.toString()).doesNotContain(pan);
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM authorizations WHERE row_to_json(authorizations)::text LIKE :pan")
                .param("pan", "%" + pan + "%")
                .query(Long.class)
                .single())
        .isZero();
  }

  // ------------------------------------------------------------------ isolation and lists

  @Test
  void anotherTenantCannotSeeOrUseTheAuthorizationsOrCards() {
    TestCard card = issuer.b2cCard(10_000);
    JsonNode a = issuer.authorize(card.id(), 1_000);
    Issuer other = Issuer.create(api);

    Response fetched = other.get("/v1/authorizations/" + a.get("id").asString());
    Response listed = other.get("/v1/authorizations?card_id=" + card.id());
    Response simulated = other.post("/v1/simulate/authorizations", authorization(card.id(), 100));

    assertThat(fetched.status()).isEqualTo(404);
    assertThat(fetched.code()).isEqualTo("resource_not_found");
    assertThat(Issuer.ids(expect(listed, 200))).isEmpty();
    assertThat(simulated.status()).isEqualTo(404);
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isEqualTo(1_000);
  }

  @Test
  void aNetworkTransactionIdReusedByAnotherTenantDoesNotRevealTheFirstAuthorization() {
    TestCard card = issuer.b2cCard(10_000);
    String ntid = "ntx_" + UUID.randomUUID();
    JsonNode first =
        issuer.authorize(
            withExtra(card.id(), 1_000, ", \"network_transaction_id\": \"" + ntid + "\""));
    Issuer other = Issuer.create(api);
    TestCard theirs = other.b2cCard(10_000);

    Response answer =
        other.post(
            "/v1/simulate/authorizations",
            withExtra(theirs.id(), 500, ", \"network_transaction_id\": \"" + ntid + "\""));

    assertThat(answer.raw())
        .doesNotContain(first.get("id").asString())
        .doesNotContain(card.id())
        .doesNotContain(card.accountId());
  }

  @Test
  void authorizationsAreListedByCardOutcomeReasonAndStatus() {
    TestCard card = issuer.b2cCard(10_000);
    TestCard other = issuer.b2cCard(10_000);
    issuer.putCardControls(card.id(), "{\"blocked_countries\": [\"RU\"]}");
    String approved = issuer.authorize(card.id(), 1_000).get("id").asString();
    String tooMuch = issuer.authorize(card.id(), 50_000).get("id").asString();
    String russia =
        issuer
            .authorize(authorization(card.id(), 100, "USD", "pos", "m_1", "5411", "RU", ""))
            .get("id")
            .asString();
    String otherCard = issuer.authorize(other.id(), 1_000).get("id").asString();

    assertThat(list("")).containsExactly(otherCard, russia, tooMuch, approved);
    assertThat(list("card_id=" + card.id())).containsExactly(russia, tooMuch, approved);
    assertThat(list("card_id=" + card.id() + "&approved=true")).containsExactly(approved);
    assertThat(list("approved=false")).containsExactly(russia, tooMuch);
    assertThat(list("decline_reason=insufficient_funds")).containsExactly(tooMuch);
    assertThat(list("decline_reason=country_blocked")).containsExactly(russia);
    assertThat(list("status=pending")).containsExactly(otherCard, approved);
    assertThat(list("status=declined&card_id=" + card.id())).containsExactly(russia, tooMuch);
    assertThat(list("cardholder_id=" + other.cardholderId())).containsExactly(otherCard);
    Response firstPage = expect(issuer.get("/v1/authorizations?limit=3"), 200);
    assertThat(Issuer.ids(firstPage)).containsExactly(otherCard, russia, tooMuch);
    assertThat(firstPage.body().get("has_more").asBoolean()).isTrue();
    assertThat(list("limit=3&starting_after=" + tooMuch)).containsExactly(approved);
  }

  // ------------------------------------------------------------------ helpers

  private List<String> list(String query) {
    return Issuer.ids(expect(issuer.get("/v1/authorizations?" + query), 200));
  }

  private void assertApproved(JsonNode a) {
    assertThat(a.get("approved").asBoolean()).as("approved: %s", a).isTrue();
    assertThat(a.get("status").asString()).isEqualTo("pending");
    assertThat(a.get("response_code").asString()).isEqualTo("00");
    assertThat(a.get("hold_id").isNull()).isFalse();
  }

  /** Declined for this reason, and stored so: GET answers the same reason, code, explanation. */
  private void assertDeclined(JsonNode a, String reason, String code, String explanation) {
    assertThat(a.get("approved").asBoolean()).as("declined: %s", a).isFalse();
    assertThat(a.get("decline_reason").asString()).as("%s", a).isEqualTo(reason);
    assertThat(a.get("response_code").asString()).isEqualTo(code);
    assertThat(a.get("status").asString()).isEqualTo("declined");
    assertThat(a.get("explanation").asString()).contains(explanation);
    assertThat(a.get("hold_id").isNull()).isTrue();
    JsonNode stored = issuer.authorizationById(a.get("id").asString());
    assertThat(stored.get("approved").asBoolean()).isFalse();
    assertThat(stored.get("decline_reason").asString()).isEqualTo(reason);
    assertThat(stored.get("response_code").asString()).isEqualTo(code);
    assertThat(stored.get("explanation").asString()).isEqualTo(a.get("explanation").asString());
  }

  private static JsonNode window(JsonNode spend, String level, String window) {
    for (JsonNode w : spend.get("windows")) {
      if (w.get("level").asString().equals(level) && w.get("window").asString().equals(window)) {
        return w;
      }
    }
    throw new AssertionError("no " + level + " " + window + " window in " + spend);
  }

  /** Amounts of the account's active holds. */
  private List<Long> activeHolds(String accountId) {
    return new ArrayList<>(
        jdbc.sql("SELECT amount FROM holds WHERE account_id = :a AND status = 'active'")
            .param("a", accountId)
            .query(Long.class)
            .list());
  }

  private static String withExtra(String cardId, long amount, String extraJson) {
    return authorization(cardId, amount, "USD", "pos", "m_grocer", "5411", "US", extraJson);
  }

  private static String threeDs(String cardId, String channel, String outcome) {
    return authorization(
        cardId, 100, "USD", channel, "m_shop", "5999", "US", ", \"three_ds\": \"" + outcome + "\"");
  }

  private String pinBlock(String cardId, String pin) {
    return expect(
            issuer.post(
                "/v1/simulate/pin-blocks",
                "{\"card_id\": \"%s\", \"pin\": \"%s\", \"format\": \"iso_0\"}"
                    .formatted(cardId, pin)),
            200)
        .text("pin_block");
  }

  private void setPin(String cardId, String pin) {
    expect(
        issuer.put(
            "/v1/cards/" + cardId + "/pin",
            "{\"format\": \"iso_0\", \"pin_block\": \"%s\"}".formatted(pinBlock(cardId, pin))),
        200);
  }

  private static String withPin(String cardId, String block) {
    return authorization(
        cardId,
        100,
        "USD",
        "atm",
        "m_atm",
        "6011",
        "US",
        ", \"pin\": {\"format\": \"iso_0\", \"block\": \"" + block + "\"}");
  }

  private void setRate(String base, String quote, String rate) {
    expect(
        api.post(
            "/v1/admin/fx-rates",
            OPERATOR_KEY,
            "{\"base\": \"%s\", \"quote\": \"%s\", \"rate\": \"%s\"}".formatted(base, quote, rate)),
        201);
  }
}
