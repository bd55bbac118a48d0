package dev.cardos.disputes;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.authorization.Payments;
import dev.cardos.authorization.Payments.FundedCard;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Disputes (SPEC §7) over HTTP: a card pays, the payment clears into a settlement transaction, and
 * the cardholder's dispute on it goes open → submitted → won | lost, or is withdrawn. After every
 * flow the card account's balances are checked and the operator's ledger check must pass.
 */
@ServerTest
class DisputesIT {

  private static final long FUNDS = 10_000;

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

  // ------------------------------------------------------------------ helpers

  /** A settled payment: the authorization and the settlement transaction its clearing made. */
  private record Settled(String authorizationId, String transactionId) {}

  private Settled settled(FundedCard card, long amount) {
    String auth = payments.approve(card, amount).get("id").asString();
    JsonNode txn =
        expect(api.post("/v1/simulate/authorizations/" + auth + "/clear", card.key(), null), 201)
            .body();
    String id = txn.get("id").asString();
    assertThat(id).startsWith("txn_");
    assertThat(txn.get("card_amount").asLong()).isEqualTo(amount);
    return new Settled(auth, id);
  }

  private FundedCard provisionalCard() {
    return payments.card(FUNDS, ", \"provisional_credit\": true", "");
  }

  private Response open(String key, String transactionId, String extra) {
    return api.post(
        "/v1/disputes",
        key,
        """
        {"transaction_id": "%s", "reason": "fraud", "explanation": "I did not buy this"%s}
        """
            .formatted(transactionId, extra));
  }

  private JsonNode opened(String key, String transactionId, String extra) {
    return expect(open(key, transactionId, extra), 201).body();
  }

  private JsonNode opened(FundedCard card, String transactionId) {
    return opened(card.key(), transactionId, "");
  }

  private Response submit(String key, String id) {
    return api.post("/v1/disputes/" + id + "/submit", key, null);
  }

  private Response withdraw(String key, String id) {
    return api.post("/v1/disputes/" + id + "/withdraw", key, null);
  }

  private Response resolve(String key, String id, String outcome) {
    return api.post(
        "/v1/simulate/disputes/" + id + "/resolve",
        key,
        "{\"outcome\": \"%s\"}".formatted(outcome));
  }

  private Response evidenceText(String key, String id, String text) {
    return api.post("/v1/disputes/" + id + "/evidence", key, "{\"text\": \"%s\"}".formatted(text));
  }

  private Response evidenceFile(String key, String id, String fileName, byte[] content) {
    return evidenceBase64(key, id, fileName, Base64.getEncoder().encodeToString(content));
  }

  private Response evidenceBase64(String key, String id, String fileName, String base64) {
    return api.post(
        "/v1/disputes/" + id + "/evidence",
        key,
        "{\"file_name\": \"%s\", \"content_base64\": \"%s\"}".formatted(fileName, base64));
  }

  private JsonNode dispute(String key, String id) {
    return expect(api.get("/v1/disputes/" + id, key), 200).body();
  }

  private static String status(Response r) {
    return r.text("status");
  }

  private static void assertConflict(Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("dispute_state_conflict");
  }

  private static void assertRefusedField(Response r, int status, String code, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.code()).isEqualTo(code);
    List<String> fields = new ArrayList<>();
    if (r.body().get("errors") != null) {
      r.body().get("errors").forEach(e -> fields.add(e.get("field").asString()));
    }
    assertThat(fields).as(r.toString()).contains(field);
  }

  private long ledger(FundedCard card) {
    return payments.balances(card).ledger();
  }

  private long suspense(FundedCard card) {
    return payments.systemBalance(card.tenantId(), "suspense");
  }

  private static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private List<String> listed(String key, String query) {
    return Payments.ids(expect(api.get("/v1/disputes?" + query, key), 200));
  }

  // ------------------------------------------------------------------ lifecycle

  @Test
  void disputeOpenedOnASettledTransactionIsSubmittedAndWonWithAKeyHoldingOnlyDisputeScopes() {
    FundedCard card = payments.card(FUNDS);
    Settled payment = settled(card, 3_000);
    String key =
        payments
            .fixtures
            .key(card.tenantId(), List.of("disputes:write", "transactions:read"))
            .text("secret");

    JsonNode d = opened(key, payment.transactionId(), ", \"amount\": 1200");

    String id = d.get("id").asString();
    assertThat(id).startsWith("dp_");
    assertThat(d.get("status").asString()).isEqualTo("open");
    assertThat(d.get("transaction_id").asString()).isEqualTo(payment.transactionId());
    assertThat(d.get("authorization_id").asString()).isEqualTo(payment.authorizationId());
    assertThat(d.get("card_id").asString()).isEqualTo(card.id());
    assertThat(d.get("reason").asString()).isEqualTo("fraud");
    assertThat(d.get("amount").asLong()).isEqualTo(1_200);
    assertThat(d.get("currency").asString()).isEqualTo("USD");
    assertThat(d.get("explanation").asString()).isEqualTo("I did not buy this");
    assertThat(d.get("provisional_credit").asBoolean()).isFalse();
    assertThat(d.get("livemode").asBoolean()).isFalse();

    Response submitted = expect(submit(key, id), 200);
    assertThat(status(submitted)).isEqualTo("submitted");
    Response won = expect(resolve(key, id, "won"), 200);
    assertThat(status(won)).isEqualTo("won");
    assertThat(won.text("closing_posting_id")).isNotNull();
    assertThat(dispute(key, id).get("status").asString()).isEqualTo("won");
  }

  @Test
  void submittedDisputeThatIsLostClosesAsLostAndLeavesTheAccountAsItWas() {
    FundedCard card = payments.card(FUNDS);
    Settled payment = settled(card, 3_000);
    String id = opened(card, payment.transactionId()).get("id").asString();

    expect(submit(card.key(), id), 200);
    Response lost = expect(resolve(card.key(), id, "lost"), 200);

    assertThat(status(lost)).isEqualTo("lost");
    assertThat(dispute(card.key(), id).get("status").asString()).isEqualTo("lost");
    payments.assertBalances(card, 7_000, 0, 7_000);
    assertThat(payments.settledSinceStart(card)).isEqualTo(3_000);
  }

  @Test
  void openDisputeCanBeWithdrawn() {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();

    assertThat(status(expect(withdraw(card.key(), id), 200))).isEqualTo("withdrawn");
    assertThat(dispute(card.key(), id).get("status").asString()).isEqualTo("withdrawn");
  }

  @Test
  void submittedDisputeCanBeWithdrawn() {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();
    expect(submit(card.key(), id), 200);

    assertThat(status(expect(withdraw(card.key(), id), 200))).isEqualTo("withdrawn");
    assertThat(dispute(card.key(), id).get("status").asString()).isEqualTo("withdrawn");
  }

  @Test
  void everyRefusedTransitionIsAConflictAndChangesNothing() {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();

    assertConflict(resolve(card.key(), id, "won"));
    assertThat(dispute(card.key(), id).get("status").asString()).isEqualTo("open");

    expect(submit(card.key(), id), 200);
    assertConflict(submit(card.key(), id));
    assertConflict(evidenceText(card.key(), id, "late receipt"));
    assertConflict(
        evidenceFile(
            card.key(), id, "late.pdf", "%PDF-1.4 late".getBytes(StandardCharsets.US_ASCII)));
    assertThat(dispute(card.key(), id).get("evidence")).isEmpty();

    expect(resolve(card.key(), id, "won"), 200);
    long ledgerAfterWin = ledger(card);
    assertConflict(withdraw(card.key(), id));
    assertConflict(resolve(card.key(), id, "lost"));
    assertConflict(submit(card.key(), id));
    assertThat(dispute(card.key(), id).get("status").asString()).isEqualTo("won");
    assertThat(ledger(card)).isEqualTo(ledgerAfterWin);
  }

  @Test
  void withdrawnDisputeCannotBeSubmittedResolvedOrWithdrawnAgain() {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();
    expect(withdraw(card.key(), id), 200);

    assertConflict(submit(card.key(), id));
    assertConflict(withdraw(card.key(), id));
    assertConflict(resolve(card.key(), id, "won"));
    assertConflict(evidenceText(card.key(), id, "too late"));
  }

  // ------------------------------------------------------------------ money

  @Test
  void provisionalCreditRaisesTheAccountAtOpenAndStaysAfterAWinWhileSuspenseIsRepaid() {
    FundedCard card = provisionalCard();
    Settled payment = settled(card, 3_000);
    payments.assertBalances(card, 7_000, 0, 7_000);
    long suspenseBefore = suspense(card);

    JsonNode d = opened(card, payment.transactionId());
    String id = d.get("id").asString();

    assertThat(d.get("provisional_credit").asBoolean()).isTrue();
    assertThat(d.get("provisional_posting_id").isNull()).isFalse();
    payments.assertBalances(card, 10_000, 0, 10_000);
    assertThat(suspense(card)).isEqualTo(suspenseBefore - 3_000);
    payments.assertBooksBalance();

    expect(submit(card.key(), id), 200);
    payments.assertBalances(card, 10_000, 0, 10_000);
    expect(resolve(card.key(), id, "won"), 200);

    payments.assertBalances(card, 10_000, 0, 10_000);
    assertThat(suspense(card)).isEqualTo(suspenseBefore);
    assertThat(payments.settledSinceStart(card)).isZero();
  }

  @Test
  void provisionalCreditIsTakenBackWhenTheDisputeIsLost() {
    FundedCard card = provisionalCard();
    Settled payment = settled(card, 3_000);
    long suspenseBefore = suspense(card);
    String id = opened(card, payment.transactionId()).get("id").asString();
    payments.assertBalances(card, 10_000, 0, 10_000);

    expect(submit(card.key(), id), 200);
    Response lost = expect(resolve(card.key(), id, "lost"), 200);

    assertThat(lost.text("closing_posting_id")).isNotNull();
    payments.assertBalances(card, 7_000, 0, 7_000);
    assertThat(suspense(card)).isEqualTo(suspenseBefore);
    assertThat(payments.settledSinceStart(card)).isEqualTo(3_000);
  }

  @Test
  void provisionalCreditIsTakenBackWhenAnOpenDisputeIsWithdrawn() {
    FundedCard card = provisionalCard();
    Settled payment = settled(card, 3_000);
    long suspenseBefore = suspense(card);
    String id =
        opened(card.key(), payment.transactionId(), ", \"amount\": 1000").get("id").asString();
    payments.assertBalances(card, 8_000, 0, 8_000);

    expect(withdraw(card.key(), id), 200);

    payments.assertBalances(card, 7_000, 0, 7_000);
    assertThat(suspense(card)).isEqualTo(suspenseBefore);
  }

  @Test
  void provisionalCreditIsTakenBackWhenASubmittedDisputeIsWithdrawn() {
    FundedCard card = provisionalCard();
    Settled payment = settled(card, 3_000);
    long suspenseBefore = suspense(card);
    String id = opened(card, payment.transactionId()).get("id").asString();
    expect(submit(card.key(), id), 200);

    expect(withdraw(card.key(), id), 200);

    payments.assertBalances(card, 7_000, 0, 7_000);
    assertThat(suspense(card)).isEqualTo(suspenseBefore);
  }

  @Test
  void withoutProvisionalCreditTheAccountIsCreditedOnlyWhenTheDisputeIsWon() {
    FundedCard card = payments.card(FUNDS);
    Settled payment = settled(card, 3_000);
    long suspenseBefore = suspense(card);

    JsonNode d = opened(card, payment.transactionId());
    String id = d.get("id").asString();
    assertThat(d.get("provisional_credit").asBoolean()).isFalse();
    assertThat(d.get("provisional_posting_id").isNull()).isTrue();
    payments.assertBalances(card, 7_000, 0, 7_000);

    expect(submit(card.key(), id), 200);
    payments.assertBalances(card, 7_000, 0, 7_000);
    expect(resolve(card.key(), id, "won"), 200);

    payments.assertBalances(card, 10_000, 0, 10_000);
    assertThat(payments.settledSinceStart(card)).isZero();
    assertThat(suspense(card)).isEqualTo(suspenseBefore);
  }

  // ------------------------------------------------------------------ amounts

  @Test
  void amountDefaultsToTheWholeSettledAmount() {
    FundedCard card = payments.card(FUNDS);
    Settled payment = settled(card, 2_345);

    JsonNode d = opened(card, payment.transactionId());

    assertThat(d.get("amount").asLong()).isEqualTo(2_345);
  }

  @Test
  void partialDisputesMayNotTogetherExceedTheSettledAmount() {
    FundedCard card = payments.card(FUNDS);
    String txn = settled(card, 3_000).transactionId();
    opened(card.key(), txn, ", \"amount\": 1000");
    opened(card.key(), txn, ", \"amount\": 1500");

    assertRefusedField(
        open(card.key(), txn, ", \"amount\": 501"), 422, "dispute_amount_exceeded", "amount");

    JsonNode rest = opened(card, txn);
    assertThat(rest.get("amount").asLong()).isEqualTo(500);
    assertThat(open(card.key(), txn, "").code()).isEqualTo("dispute_amount_exceeded");
    assertThat(listed(card.key(), "transaction_id=" + txn)).hasSize(3);
  }

  @Test
  void secondDisputeForTheSameFullAmountIsRefused() {
    FundedCard card = payments.card(FUNDS);
    String txn = settled(card, 3_000).transactionId();
    opened(card, txn);

    Response again = open(card.key(), txn, ", \"amount\": 3000");

    assertThat(again.status()).as(again.toString()).isEqualTo(422);
    assertThat(again.code()).isEqualTo("dispute_amount_exceeded");
    Response defaulted = open(card.key(), txn, "");
    assertThat(defaulted.status()).isEqualTo(422);
    assertThat(defaulted.code()).isEqualTo("dispute_amount_exceeded");
  }

  @Test
  void withdrawnDisputeFreesItsAmountForANewDispute() {
    FundedCard card = payments.card(FUNDS);
    String txn = settled(card, 3_000).transactionId();
    String first = opened(card, txn).get("id").asString();
    expect(withdraw(card.key(), first), 200);

    assertThat(opened(card, txn).get("amount").asLong()).isEqualTo(3_000);
  }

  @Test
  void merchantRefundLinkedToTheAuthorizationReducesWhatCanBeDisputed() {
    FundedCard card = payments.card(FUNDS);
    Settled payment = settled(card, 3_000);
    expect(
        api.post(
            "/v1/simulate/refunds",
            card.key(),
            """
            {"card_id": "%s", "amount": 1000, "currency": "USD", "authorization_id": "%s",
             "merchant": {"id": "MID-1", "name": "Corner Shop", "mcc": "5411", "city": "Austin",
                          "country": "US"}}
            """
                .formatted(card.id(), payment.authorizationId())),
        201);

    assertRefusedField(
        open(card.key(), payment.transactionId(), ", \"amount\": 2001"),
        422,
        "dispute_amount_exceeded",
        "amount");
    assertThat(opened(card, payment.transactionId()).get("amount").asLong()).isEqualTo(2_000);
  }

  @Test
  void refundOnAnAuthorizationClearedTwiceIsCountedOnceAgainstWhatCanBeDisputed() {
    FundedCard card = payments.card(FUNDS);
    String auth = payments.approve(card, 3_000).get("id").asString();
    String first =
        expect(
                api.post(
                    "/v1/simulate/authorizations/" + auth + "/clear",
                    card.key(),
                    "{\"amount\": 1000, \"final_clearing\": false}"),
                201)
            .id();
    String second =
        expect(
                api.post(
                    "/v1/simulate/authorizations/" + auth + "/clear",
                    card.key(),
                    "{\"amount\": 2000}"),
                201)
            .id();
    expect(
        api.post(
            "/v1/simulate/refunds",
            card.key(),
            """
            {"card_id": "%s", "amount": 1000, "currency": "USD", "authorization_id": "%s",
             "merchant": {"id": "MID-1", "name": "Corner Shop", "mcc": "5411", "city": "Austin",
                          "country": "US"}}
            """
                .formatted(card.id(), auth)),
        201);

    // Settled 3000, refunded 1000: 2000 can be disputed in all, across the two clearings.
    long disputed = 0;
    for (String txn : List.of(second, first)) {
      Response r = open(card.key(), txn, "");
      if (r.status() == 201) {
        disputed += r.body().get("amount").asLong();
      }
    }
    assertThat(disputed).isEqualTo(2_000);
  }

  @Test
  void nonPositiveAmountIsRefusedAsAnInvalidField() {
    FundedCard card = payments.card(FUNDS);
    String txn = settled(card, 3_000).transactionId();

    assertRefusedField(
        open(card.key(), txn, ", \"amount\": 0"), 400, "validation_failed", "amount");
    assertRefusedField(
        open(card.key(), txn, ", \"amount\": -5"), 400, "validation_failed", "amount");
    assertThat(listed(card.key(), "transaction_id=" + txn)).isEmpty();
  }

  // ------------------------------------------------------------------ window

  @Test
  void transactionOlderThanTheFilingWindowCannotBeDisputed() {
    FundedCard card = payments.card(FUNDS, ", \"dispute_window_days\": 1", "");
    String txn = settled(card, 3_000).transactionId();
    jdbc.sql("UPDATE transactions SET created_at = now() - interval '2 days' WHERE id = :id")
        .param("id", txn)
        .update();

    Response late = open(card.key(), txn, "");

    assertThat(late.status()).as(late.toString()).isEqualTo(422);
    assertThat(late.code()).isEqualTo("dispute_window_closed");
    assertThat(listed(card.key(), "transaction_id=" + txn)).isEmpty();
  }

  @Test
  void transactionInsideTheFilingWindowCanBeDisputedAndShowsItsDeadline() {
    FundedCard card = payments.card(FUNDS, ", \"dispute_window_days\": 1", "");
    String txn = settled(card, 3_000).transactionId();
    jdbc.sql("UPDATE transactions SET created_at = now() - interval '23 hours' WHERE id = :id")
        .param("id", txn)
        .update();
    Instant createdAt =
        Instant.parse(
            expect(api.get("/v1/transactions/" + txn, card.key()), 200).text("created_at"));

    JsonNode d = opened(card, txn);

    assertThat(Instant.parse(d.get("filing_deadline").asString()))
        .isEqualTo(createdAt.plus(Duration.ofDays(1)));
  }

  @Test
  void filingWindowDefaultsTo120Days() {
    FundedCard card = payments.card(FUNDS);
    String txn = settled(card, 3_000).transactionId();
    jdbc.sql("UPDATE transactions SET created_at = now() - interval '121 days' WHERE id = :id")
        .param("id", txn)
        .update();

    assertThat(open(card.key(), txn, "").code()).isEqualTo("dispute_window_closed");

    jdbc.sql("UPDATE transactions SET created_at = now() - interval '119 days' WHERE id = :id")
        .param("id", txn)
        .update();
    opened(card, txn);
  }

  // ------------------------------------------------------------------ who and what

  @Test
  void foreignTenantsTransactionAndDisputeAreNotFound() {
    FundedCard mine = payments.card(FUNDS);
    FundedCard theirs = payments.card(FUNDS);
    String theirTxn = settled(theirs, 3_000).transactionId();
    String theirDispute = opened(theirs, theirTxn).get("id").asString();

    Response open = open(mine.key(), theirTxn, "");
    assertThat(open.status()).as(open.toString()).isEqualTo(404);
    assertThat(open.code()).isEqualTo("resource_not_found");

    assertThat(api.get("/v1/disputes/" + theirDispute, mine.key()).status()).isEqualTo(404);
    assertThat(submit(mine.key(), theirDispute).status()).isEqualTo(404);
    assertThat(withdraw(mine.key(), theirDispute).status()).isEqualTo(404);
    assertThat(resolve(mine.key(), theirDispute, "won").status()).isEqualTo(404);
    assertThat(evidenceText(mine.key(), theirDispute, "mine now").status()).isEqualTo(404);
    assertThat(listed(mine.key(), "")).doesNotContain(theirDispute);
    assertThat(listed(mine.key(), "transaction_id=" + theirTxn)).isEmpty();

    JsonNode still = dispute(theirs.key(), theirDispute);
    assertThat(still.get("status").asString()).isEqualTo("open");
    assertThat(still.get("evidence")).isEmpty();
  }

  @Test
  void refundTransactionCannotBeDisputed() {
    FundedCard card = payments.card(FUNDS);
    Settled payment = settled(card, 3_000);
    String refund =
        expect(
                api.post(
                    "/v1/simulate/refunds",
                    card.key(),
                    """
                    {"card_id": "%s", "amount": 500, "currency": "USD",
                     "authorization_id": "%s",
                     "merchant": {"id": "MID-1", "name": "Corner Shop", "mcc": "5411",
                                  "city": "Austin", "country": "US"}}
                    """
                        .formatted(card.id(), payment.authorizationId())),
                201)
            .id();

    assertRefusedField(open(card.key(), refund, ""), 400, "validation_failed", "transaction_id");
    assertThat(listed(card.key(), "transaction_id=" + refund)).isEmpty();
  }

  @Test
  void unknownTransactionIsNotFound() {
    FundedCard card = payments.card(FUNDS);

    Response r = open(card.key(), "txn_doesnotexist000000", "");

    assertThat(r.status()).as(r.toString()).isEqualTo(404);
  }

  @Test
  void disputeShowsTheCardsLastFourDigitsAndNeverItsNumber() {
    FundedCard card = payments.card(FUNDS);
    String pan = payments.fixtures.revealPan(card.key(), card.id());
    String txn = settled(card, 3_000).transactionId();

    Response created = expect(open(card.key(), txn, ""), 201);
    String id = created.id();
    Response got = expect(api.get("/v1/disputes/" + id, card.key()), 200);
    Response list = expect(api.get("/v1/disputes", card.key()), 200);

    assertThat(created.text("card_last4")).isEqualTo(pan.substring(pan.length() - 4));
    assertThat(got.text("card_last4")).isEqualTo(pan.substring(pan.length() - 4));
    for (Response r : List.of(created, got, list)) {
      assertThat(r.raw()).doesNotContain(pan);
    }
    List<String> events =
        jdbc.sql("SELECT CAST(data AS text) FROM events WHERE object_id = :id")
            .param("id", id)
            .query(String.class)
            .list();
    assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e).doesNotContain(pan));
  }

  // ------------------------------------------------------------------ evidence

  @Test
  void textEvidenceIsKeptOnTheDispute() {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();

    JsonNode d = expect(evidenceText(card.key(), id, "The parcel never arrived"), 201).body();

    JsonNode evidence = d.get("evidence");
    assertThat(evidence).hasSize(1);
    assertThat(evidence.get(0).get("kind").asString()).isEqualTo("text");
    assertThat(evidence.get(0).get("text").asString()).isEqualTo("The parcel never arrived");
    assertThat(evidence.get(0).get("id").asString()).startsWith("de_");
    assertThat(dispute(card.key(), id).get("evidence")).hasSize(1);
  }

  @Test
  void pngPdfAndJpegFilesAreAcceptedWithTheirTypeJudgedByContentAndTheirHash() throws Exception {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();
    byte[] png =
        concat(
            bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A),
            bytes(0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0));
    byte[] pdf =
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
            .getBytes(StandardCharsets.US_ASCII);
    byte[] jpeg = bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0xFF, 0xD9);

    expect(evidenceFile(card.key(), id, "receipt.png", png), 201);
    expect(evidenceFile(card.key(), id, "letter.pdf", pdf), 201);
    // The name says PDF, the bytes say JPEG: the bytes decide.
    JsonNode d = expect(evidenceFile(card.key(), id, "photo.pdf", jpeg), 201).body();

    JsonNode evidence = d.get("evidence");
    assertThat(evidence).hasSize(3);
    byte[][] contents = {png, pdf, jpeg};
    String[] names = {"receipt.png", "letter.pdf", "photo.pdf"};
    String[] types = {"image/png", "application/pdf", "image/jpeg"};
    for (int i = 0; i < 3; i++) {
      JsonNode e = evidence.get(i);
      assertThat(e.get("kind").asString()).isEqualTo("file");
      assertThat(e.get("file_name").asString()).isEqualTo(names[i]);
      assertThat(e.get("content_type").asString()).isEqualTo(types[i]);
      assertThat(e.get("size_bytes").asInt()).isEqualTo(contents[i].length);
      assertThat(e.get("sha256").asString()).isEqualTo(sha256(contents[i]));
      assertThat(e.has("content_base64")).isFalse();
      assertThat(e.has("content")).isFalse();
    }
  }

  @Test
  void fileNamedPdfHoldingPlainTextOrAnExecutableIsRefused() {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();
    byte[] text = "just some words, not a PDF".getBytes(StandardCharsets.US_ASCII);
    byte[] exe = concat(bytes('M', 'Z', 0x90, 0, 3, 0, 0, 0, 4, 0), new byte[64]);

    for (byte[] content : List.of(text, exe)) {
      Response r = evidenceFile(card.key(), id, "x.pdf", content);
      assertRefusedField(r, 422, "unsupported_evidence_type", "content_base64");
    }
    assertThat(dispute(card.key(), id).get("evidence")).isEmpty();
  }

  @Test
  void invalidBase64IsRefusedNamingTheField() {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();

    assertRefusedField(
        evidenceBase64(card.key(), id, "x.pdf", "%%% not base64 %%%"),
        400,
        "validation_failed",
        "content_base64");
    assertThat(dispute(card.key(), id).get("evidence")).isEmpty();
  }

  @Test
  void evidenceMustBeEitherTextOrAFile() {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();
    String pdf = Base64.getEncoder().encodeToString("%PDF-1.4".getBytes(StandardCharsets.US_ASCII));

    assertThat(api.post("/v1/disputes/" + id + "/evidence", card.key(), "{}").status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/v1/disputes/" + id + "/evidence",
                    card.key(),
                    "{\"text\": \"both\", \"file_name\": \"a.pdf\", \"content_base64\": \"%s\"}"
                        .formatted(pdf))
                .status())
        .isEqualTo(400);
    assertRefusedField(
        api.post(
            "/v1/disputes/" + id + "/evidence",
            card.key(),
            "{\"content_base64\": \"%s\"}".formatted(pdf)),
        400,
        "validation_failed",
        "file_name");
    assertThat(dispute(card.key(), id).get("evidence")).isEmpty();
  }

  // ------------------------------------------------------------------ events and lists

  @Test
  void eachStepOfADisputeRecordsItsEvent() {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();
    assertThat(payments.eventTypes(id)).containsExactly("dispute.created");

    expect(evidenceText(card.key(), id, "receipt attached"), 201);
    expect(submit(card.key(), id), 200);
    assertConflict(submit(card.key(), id));
    expect(resolve(card.key(), id, "won"), 200);

    assertThat(payments.eventTypes(id))
        .containsExactly("dispute.created", "dispute.updated", "dispute.updated", "dispute.closed");
  }

  @Test
  void withdrawalRecordsAClosedEvent() {
    FundedCard card = payments.card(FUNDS);
    String id = opened(card, settled(card, 3_000).transactionId()).get("id").asString();

    expect(withdraw(card.key(), id), 200);

    assertThat(payments.eventTypes(id)).containsExactly("dispute.created", "dispute.closed");
  }

  @Test
  void listFiltersByStatusCardAndTransaction() {
    FundedCard a = payments.card(FUNDS);
    payments.fixtures.deposit(a.key(), a.setup().walletId(), FUNDS);
    FundedCard b = payments.cardOn(a.setup(), FUNDS, "");
    String a1 = settled(a, 1_000).transactionId();
    String a2 = settled(a, 2_000).transactionId();
    String b1 = settled(b, 3_000).transactionId();
    String dA1 = opened(a, a1).get("id").asString();
    String dA2 = opened(a, a2).get("id").asString();
    String dB1 = opened(b, b1).get("id").asString();
    expect(submit(a.key(), dA2), 200);
    expect(withdraw(a.key(), dB1), 200);
    String key = a.key();

    assertThat(listed(key, "")).containsExactlyInAnyOrder(dA1, dA2, dB1);
    assertThat(listed(key, "status=open")).containsExactly(dA1);
    assertThat(listed(key, "status=submitted")).containsExactly(dA2);
    assertThat(listed(key, "status=withdrawn")).containsExactly(dB1);
    assertThat(listed(key, "status=won")).isEmpty();
    assertThat(listed(key, "card_id=" + a.id())).containsExactlyInAnyOrder(dA1, dA2);
    assertThat(listed(key, "card_id=" + b.id())).containsExactly(dB1);
    assertThat(listed(key, "transaction_id=" + a2)).containsExactly(dA2);
    assertThat(listed(key, "card_id=" + a.id() + "&status=submitted")).containsExactly(dA2);
    assertThat(listed(key, "card_id=" + b.id() + "&status=open")).isEmpty();
  }
}
