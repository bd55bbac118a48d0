package dev.cardos.iso8583;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.solab.iso8583.IsoMessage;
import dev.cardos.authorization.NetworkMessages;
import dev.cardos.authorization.Payments;
import dev.cardos.authorization.Payments.FundedCard;
import dev.cardos.iso8583.NetworkRequests.Merchant;
import dev.cardos.iso8583.NetworkRequests.Plastic;
import dev.cardos.iso8583.internal.Iso8583Properties;
import dev.cardos.iso8583.internal.Iso8583Server;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The ISO 8583 interface over real TCP against the real engine and PostgreSQL: every message type
 * round trip, declines with their DE39, advices, reversals, single-message financials, malformed
 * and oversized frames, 1,000 requests in flight on one connection, and the same decisions as the
 * JSON network endpoints for a table of cases.
 */
@ServerTest
@ExtendWith(OutputCaptureExtension.class)
class Iso8583IT {

  private static final Merchant SHOP =
      new Merchant("MID-7", "Corner Shop", "5411", "Austin", "US", "TERM0001", "59");

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired NetworkMessages network;

  private Payments payments;
  private TestApi api;
  private Iso8583Server server;
  private Iso8583Client client;
  private NetworkRequests requests;
  private Instant clock;

  @BeforeEach
  void setUp() throws Exception {
    payments = new Payments(port, jdbc);
    api = payments.api;
    server =
        new Iso8583Server(
            new Iso8583Properties(0, "127.0.0.1", 4096, 2000, 8, 60, 64, 30), network);
    server.start();
    client = Iso8583Client.connect("127.0.0.1", server.port(), Duration.ofSeconds(120));
    // A fresh acquirer per test: its messages' network ids are its own.
    requests =
        new NetworkRequests(
            Long.toString(ThreadLocalRandom.current().nextLong(1L, 99_999_999_999L)));
    clock = Instant.parse("2026-11-22T10:15:30Z");
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    server.stop();
    payments.assertBooksBalance();
  }

  private Plastic plastic(FundedCard card) {
    JsonNode s = expect(api.get("/v1/cards/" + card.id() + "/sensitive", card.key()), 200).body();
    String expiry =
        "%02d%02d".formatted(s.get("exp_year").asInt() % 100, s.get("exp_month").asInt());
    return new Plastic(s.get("pan").asString(), expiry, s.get("cvv2").asString());
  }

  private IsoMessage purchase(int type, Plastic card, String processing, long amount) {
    return requests.presentment(
        type, client.nextStan(), clock, card, processing, amount, "USD", SHOP);
  }

  private IsoMessage exchange(IsoMessage request) throws Exception {
    IsoMessage response = client.send(request).get();
    assertThat(response.getType()).isEqualTo((request.getType() & ~1) + 0x10);
    assertThat(Layout.text(response, Layout.STAN)).isEqualTo(Layout.text(request, Layout.STAN));
    assertThat(response.hasField(Layout.PAN)).as("the card number is never echoed").isFalse();
    assertThat(response.hasField(Layout.ADDITIONAL_DATA)).isFalse();
    return response;
  }

  /** The network's clearing (over JSON: clearing is a file, not an ISO 8583 message here). */
  private TestApi.Response clear(IsoMessage original, long amount, boolean finalClearing) {
    return api.post(
        "/v1/network/clearings",
        payments.networkKey(),
        """
        {"network_transaction_id": "%s", "original_network_transaction_id": "%s",
         "amount": %d, "currency": "USD", "final_clearing": %s}
        """
            .formatted(
                "clr-" + UUID.randomUUID(),
                NetworkRequests.networkTransactionId(original),
                amount,
                finalClearing));
  }

  private static String code(IsoMessage response) {
    return Layout.text(response, Layout.RESPONSE_CODE);
  }

  private String authorizationColumn(String column, IsoMessage request) {
    return jdbc.sql("SELECT " + column + " FROM authorizations WHERE network_transaction_id = :n")
        .param("n", NetworkRequests.networkTransactionId(request))
        .query(String.class)
        .single();
  }

  // ------------------------------------------------------------------ 0800

  @Test
  void signOnEchoAndSignOffAreAnsweredWithTheirStan() throws Exception {
    for (String code : List.of("001", "301", "002")) {
      IsoMessage response = exchange(requests.networkManagement(client.nextStan(), clock, code));
      assertThat(code(response)).isEqualTo("00");
      assertThat(Layout.text(response, Layout.NETWORK_MANAGEMENT_CODE)).isEqualTo(code);
    }
    IsoMessage unknown = exchange(requests.networkManagement(client.nextStan(), clock, "999"));
    assertThat(code(unknown)).isEqualTo("12");
  }

  // ------------------------------------------------------------------ 0100

  @Test
  void anApprovedPurchaseHoldsTheAmountAndAnswersWithAnApprovalCode() throws Exception {
    FundedCard card = payments.card(10_000);
    IsoMessage request = purchase(0x100, plastic(card), "00", 2_500);
    IsoMessage response = exchange(request);
    assertThat(code(response)).isEqualTo("00");
    assertThat(Layout.text(response, Layout.APPROVAL_CODE)).hasSize(6);
    assertThat(Layout.text(response, Layout.RRN)).isEqualTo(Layout.text(request, Layout.RRN));
    assertThat(Layout.text(response, Layout.AMOUNT)).isEqualTo("000000002500");
    payments.assertBalances(card, 10_000, 2_500, 7_500);
    assertThat(authorizationColumn("channel", request)).isEqualTo("ecommerce");
    assertThat(authorizationColumn("merchant_city", request)).isEqualTo("Austin");
  }

  @Test
  void declinesAnswerWithTheReasonsResponseCode() throws Exception {
    FundedCard card = payments.card(1_000);
    Plastic good = plastic(card);
    assertThat(code(exchange(purchase(0x100, good, "00", 5_000)))).isEqualTo("51");
    Plastic wrongCvv =
        new Plastic(good.pan(), good.expiryYymm(), good.cvv2().equals("000") ? "111" : "000");
    IsoMessage cvv = purchase(0x100, wrongCvv, "00", 100);
    assertThat(code(exchange(cvv))).isEqualTo("05");
    assertThat(authorizationColumn("decline_reason", cvv)).isEqualTo("invalid_cvv");
    Plastic unknown = new Plastic("4000000000000002", good.expiryYymm(), null);
    assertThat(code(exchange(purchase(0x100, unknown, "00", 100)))).isEqualTo("14");
    payments.assertBalances(card, 1_000, 0, 1_000);
  }

  @Test
  void aRepeatedRequestGetsTheFirstAnswerAndHoldsOnce() throws Exception {
    FundedCard card = payments.card(10_000);
    IsoMessage first = purchase(0x100, plastic(card), "00", 1_200);
    IsoMessage answer = exchange(first);
    IsoMessage repeat = first;
    repeat.setType(0x101);
    IsoMessage again = exchange(repeat);
    assertThat(code(again)).isEqualTo("00");
    assertThat(Layout.text(again, Layout.APPROVAL_CODE))
        .isEqualTo(Layout.text(answer, Layout.APPROVAL_CODE));
    payments.assertBalances(card, 10_000, 1_200, 8_800);
  }

  @Test
  void theSameIdForAnotherCardIsADuplicateNotTheFirstCardsApproval() throws Exception {
    // DE7 has no year and the trace number wraps: an acquirer can send an id again, for a
    // different purchase. It must not be answered with the first one's approval.
    FundedCard first = payments.card(10_000);
    FundedCard second = payments.card(10_000);
    String stan = client.nextStan();
    IsoMessage approved =
        exchange(
            requests.presentment(0x100, stan, clock, plastic(first), "00", 1_200, "USD", SHOP));
    assertThat(code(approved)).isEqualTo("00");

    IsoMessage other =
        exchange(
            requests.presentment(0x100, stan, clock, plastic(second), "00", 1_200, "USD", SHOP));

    assertThat(code(other)).isEqualTo("94");
    assertThat(other.hasField(Layout.APPROVAL_CODE)).isFalse();
    payments.assertBalances(first, 10_000, 1_200, 8_800);
    payments.assertBalances(second, 10_000, 0, 10_000);
  }

  @Test
  void accountVerificationChecksTheCardAndHoldsNothing() throws Exception {
    FundedCard card = payments.card(3_000);
    Plastic p = plastic(card);
    assertThat(code(exchange(purchase(0x100, p, "00", 0)))).isEqualTo("85");
    assertThat(payments.authorizationCount(card.id())).as("a passed check stores nothing").isZero();
    Plastic wrongExpiry = new Plastic(p.pan(), "0101", p.cvv2());
    IsoMessage refused = purchase(0x100, wrongExpiry, "00", 0);
    assertThat(code(exchange(refused))).isEqualTo("54");
    assertThat(authorizationColumn("decline_reason", refused)).isEqualTo("expiry_mismatch");
    payments.assertBalances(card, 3_000, 0, 3_000);
  }

  @Test
  void verificationsProbingTheCvvTripTheRiskRule() throws Exception {
    FundedCard card = payments.card(3_000);
    Plastic p = plastic(card);
    Plastic guess = new Plastic(p.pan(), p.expiryYymm(), p.cvv2().equals("000") ? "111" : "000");
    for (int i = 0; i < 5; i++) {
      assertThat(code(exchange(purchase(0x100, guess, "00", 0)))).isEqualTo("05");
    }
    IsoMessage right = purchase(0x100, p, "00", 0);
    assertThat(code(exchange(right))).isEqualTo("05");
    assertThat(authorizationColumn("decline_reason", right)).isEqualTo("risk_rule");
    IsoMessage payment = purchase(0x100, p, "00", 100);
    assertThat(code(exchange(payment))).isEqualTo("05");
    assertThat(authorizationColumn("decline_reason", payment)).isEqualTo("risk_rule");
  }

  @Test
  void aBalanceInquiryAnswersLedgerAndAvailableInField54() throws Exception {
    FundedCard card = payments.card(3_000);
    Plastic p = plastic(card);
    exchange(purchase(0x100, p, "00", 1_000));
    for (String processing : List.of("30", "31")) {
      IsoMessage response = exchange(purchase(0x100, p, processing, 0));
      assertThat(code(response)).isEqualTo("00");
      List<Layout.AdditionalAmount> amounts =
          Layout.AdditionalAmount.parse(Layout.text(response, Layout.ADDITIONAL_AMOUNTS));
      assertThat(amounts)
          .containsExactly(
              new Layout.AdditionalAmount("00", "01", "840", 3_000),
              new Layout.AdditionalAmount("00", "02", "840", 2_000));
    }
    FundedCard frozen = payments.card(500);
    expect(api.post("/v1/cards/" + frozen.id() + "/freeze", frozen.key(), null), 200);
    IsoMessage refused = exchange(purchase(0x100, plastic(frozen), "30", 0));
    assertThat(code(refused)).isEqualTo("62");
    assertThat(refused.hasField(Layout.ADDITIONAL_AMOUNTS)).isFalse();
  }

  // ------------------------------------------------------------------ 0200

  @Test
  void aFinancialRequestIsClearedAtOnceAndARefundCreditsTheCard() throws Exception {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    IsoMessage purchase = purchase(0x200, p, "00", 4_000);
    assertThat(code(exchange(purchase))).isEqualTo("00");
    payments.assertBalances(card, 6_000, 0, 6_000);
    assertThat(authorizationColumn("status", purchase)).isEqualTo("closed");
    IsoMessage refund = purchase(0x200, p, "20", 1_500);
    IsoMessage refunded = exchange(refund);
    assertThat(code(refunded)).isEqualTo("00");
    assertThat(Layout.text(refunded, Layout.APPROVAL_CODE)).hasSize(6);
    payments.assertBalances(card, 7_500, 0, 7_500);
    assertThat(code(exchange(purchase(0x100, p, "20", 100))))
        .as("no refund in 0100")
        .isEqualTo("12");
  }

  // ------------------------------------------------------------------ 0120

  @Test
  void anAdviceIsRecordedApprovedAndHoldsWhatIsAvailableOnly() throws Exception {
    FundedCard card = payments.card(1_000);
    Plastic p = plastic(card);
    IsoMessage advice = purchase(0x120, p, "00", 1_500);
    Layout.set(advice, Layout.RESPONSE_CODE, "00");
    IsoMessage ack = exchange(advice);
    assertThat(code(ack)).isEqualTo("00");
    assertThat(authorizationColumn("status", advice)).isEqualTo("pending");
    assertThat(authorizationColumn("decision_source", advice)).isEqualTo("stand_in");
    assertThat(authorizationColumn("CAST(held_amount AS text)", advice)).isEqualTo("1000");
    payments.assertBalances(card, 1_000, 1_000, 0);
    // The clearing takes what was held and books the rest to suspense for review.
    JsonNode txn = expect(clear(advice, 1_500, true), 200).body();
    assertThat(txn.get("review_required").asBoolean()).isTrue();
    payments.assertBalances(card, 0, 0, 0);
  }

  @Test
  void anAdviceOnAnEmptyAccountIsRecordedWithoutAHoldAndCanBeReversed() throws Exception {
    FundedCard card = payments.card(0);
    Plastic p = plastic(card);
    IsoMessage advice = purchase(0x120, p, "00", 700);
    assertThat(code(exchange(advice))).isEqualTo("00");
    assertThat(authorizationColumn("CAST(approved AS text)", advice)).isEqualTo("true");
    payments.assertBalances(card, 0, 0, 0);
    IsoMessage reversal = requests.reversal(0x420, client.nextStan(), clock, advice, p, null);
    assertThat(code(exchange(reversal))).isEqualTo("00");
    assertThat(authorizationColumn("status", advice)).isEqualTo("reversed");
    // Another on the same empty account, cleared: all of it is booked to suspense for review.
    IsoMessage cleared = purchase(0x120, p, "00", 300);
    assertThat(code(exchange(cleared))).isEqualTo("00");
    JsonNode txn =
        expect(
                api.post(
                    "/v1/network/clearings",
                    payments.networkKey(),
                    """
                    {"network_transaction_id": "%s", "original_network_transaction_id": "%s",
                     "amount": 300, "currency": "USD", "final_clearing": true}
                    """
                        .formatted(
                            "clr-" + UUID.randomUUID(),
                            NetworkRequests.networkTransactionId(cleared))),
                200)
            .body();
    assertThat(txn.get("review_required").asBoolean()).isTrue();
    assertThat(authorizationColumn("status", cleared)).isEqualTo("closed");
    payments.assertBalances(card, 0, 0, 0);
  }

  @Test
  void anAdviceOfAStandInDeclineIsAcknowledgedAndRecordsNothing() throws Exception {
    FundedCard card = payments.card(1_000);
    IsoMessage advice = purchase(0x120, plastic(card), "00", 500);
    Layout.set(advice, Layout.RESPONSE_CODE, "05");
    assertThat(code(exchange(advice))).isEqualTo("00");
    assertThat(payments.authorizationCount(card.id())).isZero();
  }

  // ------------------------------------------------------------------ 0400, 0420

  @Test
  void reversalsReleaseTheHoldPartlyThenFully() throws Exception {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    IsoMessage original = purchase(0x100, p, "00", 1_000);
    assertThat(code(exchange(original))).isEqualTo("00");
    IsoMessage partial = requests.reversal(0x400, client.nextStan(), clock, original, p, 600L);
    IsoMessage partialAnswer = exchange(partial);
    assertThat(code(partialAnswer)).isEqualTo("00");
    assertThat(Layout.text(partialAnswer, Layout.ORIGINAL_DATA))
        .isEqualTo(Layout.text(partial, Layout.ORIGINAL_DATA));
    payments.assertBalances(card, 10_000, 600, 9_400);
    // DE95 says what the merchant takes in all: a second partial reversal to 450 releases 150 of
    // the 600 left, not 550 (the original 1,000 less 450) again.
    IsoMessage second = requests.reversal(0x400, client.nextStan(), clock, original, p, 450L);
    assertThat(code(exchange(second))).isEqualTo("00");
    payments.assertBalances(card, 10_000, 450, 9_550);
    assertThat(
            jdbc.sql(
                    "SELECT amount FROM authorization_adjustments WHERE network_transaction_id = :n")
                .param("n", NetworkRequests.networkTransactionId(second))
                .query(Long.class)
                .single())
        .as("what this reversal released, in the merchant's currency")
        .isEqualTo(150);
    IsoMessage full = requests.reversal(0x420, client.nextStan(), clock, original, p, null);
    assertThat(code(exchange(full))).isEqualTo("00");
    payments.assertBalances(card, 10_000, 0, 10_000);
    assertThat(authorizationColumn("status", original)).isEqualTo("reversed");
    IsoMessage again = requests.reversal(0x400, client.nextStan(), clock, original, p, null);
    assertThat(code(exchange(again))).as("nothing left to reverse").isEqualTo("12");
  }

  @Test
  void aPartialReversalAfterAPartialClearingKeepsOnlyWhatIsStillToBeTaken() throws Exception {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    IsoMessage original = purchase(0x100, p, "00", 1_000);
    assertThat(code(exchange(original))).isEqualTo("00");
    expect(clear(original, 400, false), 200);
    payments.assertBalances(card, 9_600, 600, 9_000);

    // The merchant now takes 700 in all, 400 of it already cleared: 300 stays held.
    IsoMessage partial = requests.reversal(0x400, client.nextStan(), clock, original, p, 700L);
    assertThat(code(exchange(partial))).isEqualTo("00");

    payments.assertBalances(card, 9_600, 300, 9_300);
  }

  @Test
  void aRepeatAfterTheCardWasRenewedIsStillTheSameMessage() throws Exception {
    FundedCard card = payments.card(10_000);
    Plastic p = plastic(card);
    IsoMessage first = purchase(0x100, p, "00", 1_200);
    IsoMessage answer = exchange(first);
    assertThat(code(answer)).isEqualTo("00");
    expect(
        api.post("/v1/cards/" + card.id() + "/reissue", card.key(), "{\"kind\": \"renew\"}"), 201);

    first.setType(0x101);
    IsoMessage again = exchange(first);

    assertThat(code(again)).isEqualTo("00");
    assertThat(Layout.text(again, Layout.APPROVAL_CODE))
        .isEqualTo(Layout.text(answer, Layout.APPROVAL_CODE));
  }

  @Test
  void anAdviceWithTheIdOfAnotherCardsAdviceIsADuplicate() throws Exception {
    FundedCard first = payments.card(10_000);
    FundedCard second = payments.card(10_000);
    String stan = client.nextStan();
    IsoMessage advice =
        requests.presentment(0x120, stan, clock, plastic(first), "00", 700, "USD", SHOP);
    assertThat(code(exchange(advice))).isEqualTo("00");

    IsoMessage other =
        requests.presentment(0x120, stan, clock, plastic(second), "00", 700, "USD", SHOP);

    assertThat(code(exchange(other))).isEqualTo("94");
    assertThat(payments.authorizationCount(second.id())).isZero();
    payments.assertBalances(first, 10_000, 700, 9_300);
  }

  @Test
  void aReversalOfAnUnknownOriginalAnswers25() throws Exception {
    FundedCard card = payments.card(100);
    Plastic p = plastic(card);
    IsoMessage never = purchase(0x100, p, "00", 50);
    IsoMessage reversal = requests.reversal(0x400, client.nextStan(), clock, never, p, null);
    assertThat(code(exchange(reversal))).isEqualTo("25");
  }

  // ------------------------------------------------------------------ malformed

  @Test
  void garbageIsDroppedAndTheConnectionKeepsAnswering() throws Exception {
    client.sendRaw("this is not ISO 8583 at all".getBytes(StandardCharsets.US_ASCII));
    client.sendRaw(new byte[] {0x01, 0x02, (byte) 0xFF});
    client.sendRaw("0100ZZZZ000000000000".getBytes(StandardCharsets.US_ASCII));
    // A bitmap naming fields the frame does not hold: truncated.
    client.sendRaw("01007020000000000000164111".getBytes(StandardCharsets.US_ASCII));
    // A field outside the layout (DE64).
    client.sendRaw("01000000000000000001".getBytes(StandardCharsets.US_ASCII));
    client.sendRaw(new byte[0]);
    IsoMessage echo = exchange(requests.networkManagement(client.nextStan(), clock, "301"));
    assertThat(code(echo)).isEqualTo("00");
    assertThat(client.open()).isTrue();
  }

  @Test
  void aRequestWithWrongFieldsIsAnsweredWithFormatError() throws Exception {
    FundedCard card = payments.card(1_000);
    Plastic p = plastic(card);
    IsoMessage letters = purchase(0x100, p, "00", 100);
    Layout.set(letters, Layout.MCC, "54A1");
    IsoMessage noCurrency = purchase(0x100, p, "00", 100);
    Layout.set(noCurrency, Layout.CURRENCY, "999");
    IsoMessage noTerminal = purchase(0x100, p, "00", 100);
    noTerminal.removeFields(Layout.TERMINAL);
    IsoMessage badCountry = purchase(0x100, p, "00", 100);
    Layout.set(
        badCountry,
        Layout.MERCHANT_NAME_LOCATION,
        new Layout.NameLocation("Shop", "Austin", "QQ").format());
    IsoMessage tooLongPan = purchase(0x100, p, "00", 100);
    tooLongPan.setValue(Layout.PAN, "4".repeat(21), com.solab.iso8583.IsoType.LLVAR, 0);
    for (IsoMessage bad : List.of(letters, noCurrency, noTerminal, badCountry, tooLongPan)) {
      IsoMessage answer = exchange(bad);
      assertThat(code(answer)).isEqualTo("30");
      assertThat(Layout.text(answer, Layout.TERMINAL)).isEqualTo(Layout.text(bad, Layout.TERMINAL));
    }
    payments.assertBalances(card, 1_000, 0, 1_000);
    assertThat(payments.authorizationCount(card.id())).isZero();
  }

  @Test
  void anOversizedFrameClosesTheConnectionAndOthersCarryOn() throws Exception {
    client.sendUnframed(new byte[] {(byte) 0xEA, 0x60, '0', '1', '0', '0'});
    assertThat(client.awaitClosed(Duration.ofSeconds(30))).isTrue();
    try (Iso8583Client other =
        Iso8583Client.connect("127.0.0.1", server.port(), Duration.ofSeconds(30))) {
      IsoMessage echo =
          other.send(requests.networkManagement(other.nextStan(), clock, "301")).get();
      assertThat(code(echo)).isEqualTo("00");
    }
  }

  @Test
  void aConnectionEndingInsideAFrameDoesNotDisturbOthers() throws Exception {
    try (Iso8583Client cut =
        Iso8583Client.connect("127.0.0.1", server.port(), Duration.ofSeconds(30))) {
      cut.sendUnframed(new byte[] {0x00, 0x40, '0', '8', '0', '0'});
    }
    IsoMessage echo = exchange(requests.networkManagement(client.nextStan(), clock, "301"));
    assertThat(code(echo)).isEqualTo("00");
  }

  @Test
  void noCardNumberCvvOrPinBlockReachesTheLog(CapturedOutput output) throws Exception {
    FundedCard card = payments.card(1_000);
    Plastic p = plastic(card);
    exchange(purchase(0x100, p, "00", 100));
    IsoMessage withPin = purchase(0x100, p, "01", 100);
    Layout.set(withPin, Layout.PIN_BLOCK, "0123456789ABCDEF");
    exchange(withPin);
    IsoMessage bad = purchase(0x100, p, "00", 100);
    Layout.set(bad, Layout.MCC, "54A1");
    exchange(bad);
    byte[] whole = Layout.encode(purchase(0x100, p, "00", 100));
    client.sendRaw(java.util.Arrays.copyOf(whole, whole.length - 10));
    exchange(requests.networkManagement(client.nextStan(), clock, "301"));
    assertThat(output.getAll())
        .contains("iso8583")
        .doesNotContain(p.pan())
        .doesNotContain("0123456789ABCDEF")
        .doesNotContain("92" + "%02d".formatted(p.cvv2().length()) + p.cvv2());
  }

  // ------------------------------------------------------------------ concurrency

  @Test
  void aThousandRequestsInFlightOnOneConnectionAreAllAnsweredAndMatched() throws Exception {
    FundedCard card = payments.card(1_000_000);
    Plastic p = plastic(card);
    List<IsoMessage> sent = new ArrayList<>();
    List<CompletableFuture<IsoMessage>> answers = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      Merchant terminal =
          new Merchant(
              "MID-7", "Corner Shop", "5411", "Austin", "US", "T%07d".formatted(i % 7), "59");
      IsoMessage request =
          requests.presentment(
              0x100, client.nextStan(), clock, p, "00", 1 + i % 3, "USD", terminal);
      sent.add(request);
      answers.add(client.send(request));
    }
    long held = 0;
    for (int i = 0; i < sent.size(); i++) {
      IsoMessage response = answers.get(i).get();
      assertThat(Layout.text(response, Layout.STAN))
          .isEqualTo(Layout.text(sent.get(i), Layout.STAN));
      assertThat(Layout.text(response, Layout.TERMINAL))
          .isEqualTo(Layout.text(sent.get(i), Layout.TERMINAL));
      assertThat(Layout.text(response, Layout.AMOUNT))
          .isEqualTo(Layout.text(sent.get(i), Layout.AMOUNT));
      assertThat(code(response)).isEqualTo("00");
      held += 1 + i % 3;
    }
    assertThat(client.unmatched()).isZero();
    assertThat(payments.authorizationCount(card.id())).isEqualTo(1_000);
    payments.assertBalances(card, 1_000_000, held, 1_000_000 - held);
  }

  @Test
  void severalConnectionsAreServedAtOnce() throws Exception {
    FundedCard card = payments.card(100_000);
    Plastic p = plastic(card);
    List<Iso8583Client> clients = new ArrayList<>();
    List<IsoMessage> sent = new ArrayList<>();
    List<CompletableFuture<IsoMessage>> answers = new ArrayList<>();
    try {
      for (int c = 0; c < 4; c++) {
        clients.add(Iso8583Client.connect("127.0.0.1", server.port(), Duration.ofSeconds(120)));
      }
      for (int i = 0; i < 200; i++) {
        Iso8583Client on = clients.get(i % clients.size());
        IsoMessage request =
            requests.presentment(0x100, on.nextStan(), clock, p, "00", 10, "USD", SHOP);
        // The same STAN on two connections is two messages: the acquirer differs per connection.
        Layout.set(request, Layout.ACQUIRER, Integer.toString(1000 + i % clients.size()));
        sent.add(request);
        answers.add(on.send(request));
      }
      for (int i = 0; i < sent.size(); i++) {
        IsoMessage response = answers.get(i).get();
        assertThat(Layout.text(response, Layout.STAN))
            .isEqualTo(Layout.text(sent.get(i), Layout.STAN));
        assertThat(Layout.text(response, Layout.ACQUIRER))
            .isEqualTo(Layout.text(sent.get(i), Layout.ACQUIRER));
        assertThat(code(response)).isEqualTo("00");
      }
    } finally {
      for (Iso8583Client c : clients) {
        c.close();
      }
    }
    payments.assertBalances(card, 100_000, 2_000, 98_000);
  }

  @Test
  void anIdleConnectionIsClosedAfterItsTimeout() throws Exception {
    Iso8583Server strict =
        new Iso8583Server(new Iso8583Properties(0, "127.0.0.1", 4096, 10, 8, 1, 4, 1), network);
    strict.start();
    try (Iso8583Client idle =
        Iso8583Client.connect("127.0.0.1", strict.port(), Duration.ofSeconds(30))) {
      IsoMessage echo = idle.send(requests.networkManagement(idle.nextStan(), clock, "301")).get();
      assertThat(code(echo)).isEqualTo("00");
      assertThat(idle.awaitClosed(Duration.ofSeconds(60))).isTrue();
    } finally {
      strict.stop();
    }
  }

  @Test
  void aFrameTrickledAByteAtATimeDoesNotKeepTheConnectionOrItsSlot() throws Exception {
    // One connection allowed, idle timeout 1 s: a byte every 300 ms never lets the socket's read
    // timeout fire, but it is not a whole frame, so the connection is closed and its slot freed.
    Iso8583Server strict =
        new Iso8583Server(new Iso8583Properties(0, "127.0.0.1", 4096, 10, 1, 1, 4, 1), network);
    strict.start();
    try (java.net.Socket trickle =
        new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), strict.port())) {
      java.io.OutputStream out = trickle.getOutputStream();
      out.write(new byte[] {0x00, 0x40}); // a 64-byte frame announced
      out.flush();
      boolean closed = false;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!closed && System.nanoTime() < deadline) {
        Thread.sleep(300);
        try {
          out.write('0');
          out.flush();
          trickle.setSoTimeout(1);
          closed = trickle.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException stillOpen) {
          // Nothing to read yet: the connection is still open.
        } catch (java.io.IOException reset) {
          closed = true;
        }
      }
      assertThat(closed).as("closed by the server").isTrue();
      try (Iso8583Client next =
          Iso8583Client.connect("127.0.0.1", strict.port(), Duration.ofSeconds(10))) {
        IsoMessage echo =
            next.send(requests.networkManagement(next.nextStan(), clock, "301")).get();
        assertThat(code(echo)).isEqualTo("00");
      }
    } finally {
      strict.stop();
    }
  }

  @Test
  void anUnansweredRequestFailsWithATimeoutOnTheClient() throws Exception {
    try (java.net.ServerSocket silent =
            new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Iso8583Client waiting =
            Iso8583Client.connect("127.0.0.1", silent.getLocalPort(), Duration.ofMillis(200))) {
      CompletableFuture<IsoMessage> answer =
          waiting.send(requests.networkManagement(waiting.nextStan(), clock, "301"));
      org.assertj.core.api.Assertions.assertThatThrownBy(answer::get)
          .hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
    }
  }

  // ------------------------------------------------------------------ same as JSON

  /** One row of the table: how the card is prepared and what is presented. */
  private record Case(
      String name,
      long funds,
      String controls,
      boolean freeze,
      long amount,
      String cvv,
      String expiry,
      String channelCondition) {}

  @Test
  void theSameCasesDecideTheSameOverIso8583AndJson() throws Exception {
    List<Case> cases =
        List.of(
            new Case("approved", 5_000, null, false, 1_000, null, null, "59"),
            new Case("insufficient funds", 500, null, false, 1_000, null, null, "59"),
            new Case("wrong cvv", 5_000, null, false, 1_000, "wrong", null, "59"),
            new Case("wrong expiry", 5_000, null, false, 1_000, null, "0101", "59"),
            new Case("frozen", 5_000, null, true, 1_000, null, null, "59"),
            new Case(
                "mcc blocked",
                5_000,
                "{\"blocked_mccs\": [\"5411\"]}",
                false,
                1_000,
                null,
                null,
                "59"),
            new Case(
                "over the transaction limit",
                5_000,
                "{\"per_transaction_limit\": 900}",
                false,
                1_000,
                null,
                null,
                "59"),
            new Case(
                "channel blocked",
                5_000,
                "{\"blocked_channels\": [\"pos\"]}",
                false,
                1_000,
                null,
                null,
                "00"));
    String networkKey = payments.networkKey();
    for (Case c : cases) {
      FundedCard viaIso = prepared(c);
      FundedCard viaJson = prepared(c);
      IsoMessage request = purchase(0x100, presented(plastic(viaIso), c), "00", c.amount());
      Layout.set(request, Layout.POS_CONDITION, c.channelCondition());
      IsoMessage isoAnswer = exchange(request);
      Plastic json = presented(plastic(viaJson), c);
      JsonNode jsonAnswer =
          expect(
                  api.post(
                      "/v1/network/authorizations",
                      networkKey,
                      """
                      {"network_transaction_id": "%s", "pan": "%s", "expiry": "%s", "cvv2": "%s",
                       "amount": %d, "currency": "USD", "channel": "%s",
                       "merchant": {"id": "MID-7", "name": "Corner Shop", "mcc": "5411",
                                    "city": "Austin", "country": "US"}}
                      """
                          .formatted(
                              "json-" + UUID.randomUUID(),
                              json.pan(),
                              json.expiryYymm(),
                              json.cvv2(),
                              c.amount(),
                              "59".equals(c.channelCondition()) ? "ecommerce" : "pos")),
                  200)
              .body();
      assertThat(code(isoAnswer))
          .as(c.name())
          .isEqualTo(jsonAnswer.get("response_code").asString());
      String isoReason =
          jdbc.sql(
                  "SELECT coalesce(decline_reason, 'approved') FROM authorizations"
                      + " WHERE network_transaction_id = :n")
              .param("n", NetworkRequests.networkTransactionId(request))
              .query(String.class)
              .single();
      String jsonReason =
          jsonAnswer.get("decline_reason").isNull()
              ? "approved"
              : jsonAnswer.get("decline_reason").asString();
      assertThat(isoReason).as(c.name()).isEqualTo(jsonReason);
      assertThat(payments.balances(viaIso)).as(c.name()).isEqualTo(payments.balances(viaJson));
    }
  }

  private FundedCard prepared(Case c) {
    FundedCard card = payments.card(c.funds());
    if (c.controls() != null) {
      expect(
          api.send("PUT", "/v1/cards/" + card.id() + "/controls", card.key(), c.controls()), 200);
    }
    if (c.freeze()) {
      expect(api.post("/v1/cards/" + card.id() + "/freeze", card.key(), null), 200);
    }
    return card;
  }

  private static Plastic presented(Plastic p, Case c) {
    String cvv = "wrong".equals(c.cvv()) ? (p.cvv2().equals("000") ? "111" : "000") : p.cvv2();
    return new Plastic(p.pan(), c.expiry() == null ? p.expiryYymm() : c.expiry(), cvv);
  }
}
