package dev.cardos.iso8583;

import static org.assertj.core.api.Assertions.assertThat;

import com.solab.iso8583.IsoMessage;
import dev.cardos.authorization.Adjustment;
import dev.cardos.authorization.Authorization;
import dev.cardos.authorization.DecisionCore;
import dev.cardos.authorization.DeclineReason;
import dev.cardos.authorization.NetworkMessages;
import dev.cardos.authorization.Transaction;
import dev.cardos.cards.CardSecurity;
import dev.cardos.cards.Pan;
import dev.cardos.controls.Channel;
import dev.cardos.iso8583.NetworkRequests.Merchant;
import dev.cardos.iso8583.NetworkRequests.Plastic;
import dev.cardos.iso8583.internal.MessageRouter;
import dev.cardos.shared.Problem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How each request becomes a {@link NetworkMessages} call and its answer a response, without a
 * server or database: a recording fake stands in for the engine.
 */
class MessageRouterTest {

  private static final Instant AT = Instant.parse("2026-11-22T10:15:30Z");
  private static final Plastic CARD = new Plastic("4242424242424242", "2811", "123");
  private static final Merchant SHOP =
      new Merchant("MID-7", "Corner Shop", "5411", "Austin", "US", "TERM0001", "59");

  private final RecordingNetworkMessages network = new RecordingNetworkMessages();
  private final MessageRouter router = new MessageRouter(network);
  private final NetworkRequests requests = new NetworkRequests("12345678901");

  private IsoMessage answer(IsoMessage request) {
    return router.answer(request, 0).orElseThrow();
  }

  private IsoMessage purchase(int type, String processing, long amount) {
    return requests.presentment(type, "000042", AT, CARD, processing, amount, "USD", SHOP);
  }

  @Test
  void anAuthorizationPresentsTheCardMerchantAndAmountOfTheMessage() {
    IsoMessage response = answer(purchase(0x100, "00", 2_500));
    NetworkMessages.Presentment p = network.presented.getFirst();
    assertThat(p.networkTransactionId()).isEqualTo("iso:12345678901:1122101530:000042");
    assertThat(p.pan()).isEqualTo(new Pan("4242424242424242"));
    assertThat(p.expiryYymm()).isEqualTo("2811");
    assertThat(p.cvv2()).isEqualTo("123");
    assertThat(p.amount()).isEqualTo(2_500);
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.channel()).isEqualTo(Channel.ECOMMERCE);
    assertThat(p.merchant())
        .isEqualTo(new DecisionCore.Merchant("MID-7", "Corner Shop", "5411", "Austin", "US"));
    assertThat(p.pinBlock()).isNull();
    assertThat(response.getType()).isEqualTo(0x110);
    assertThat(Layout.text(response, Layout.RESPONSE_CODE)).isEqualTo("00");
    assertThat(Layout.text(response, Layout.APPROVAL_CODE)).isEqualTo("ABC123");
    assertThat(response.hasField(Layout.PAN)).isFalse();
  }

  @Test
  void aDeclineAnswersWithItsResponseCodeAndNoApprovalCode() {
    network.approve = false;
    IsoMessage response = answer(purchase(0x100, "00", 2_500));
    assertThat(Layout.text(response, Layout.RESPONSE_CODE)).isEqualTo("51");
    assertThat(response.hasField(Layout.APPROVAL_CODE)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"00, 59, ECOMMERCE", "00, 08, MOTO", "00, 00, POS", "00, 02, POS", "01, 59, ATM"})
  void theChannelComesFromTheProcessingAndConditionCodes(
      String processing, String condition, Channel channel) {
    IsoMessage request = purchase(0x100, processing, 100);
    Layout.set(request, Layout.POS_CONDITION, condition);
    answer(request);
    assertThat(network.presented.getFirst().channel()).isEqualTo(channel);
  }

  @Test
  void track2StandsInForAMissingCardNumberAndExpiry() {
    IsoMessage request = purchase(0x100, "00", 100);
    request.removeFields(Layout.PAN, Layout.EXPIRY);
    Layout.set(request, Layout.TRACK2, "4242424242424242=30121010000000000");
    answer(request);
    assertThat(network.presented.getFirst().pan()).isEqualTo(new Pan("4242424242424242"));
    assertThat(network.presented.getFirst().expiryYymm()).isEqualTo("3012");
  }

  @ParameterizedTest
  @CsvSource({"0123456789ABCDEF, ISO_0", "0123456789ABCDEF0123456789ABCDEF, ISO_4"})
  void thePinBlockFormatFollowsItsLength(String block, CardSecurity.PinBlockFormat format) {
    IsoMessage request = purchase(0x100, "01", 100);
    Layout.set(request, Layout.PIN_BLOCK, block);
    answer(request);
    assertThat(network.presented.getFirst().pinFormat()).isEqualTo(format);
    assertThat(network.presented.getFirst().pinBlock()).hasSize(block.length() / 2);
  }

  @Test
  void wrongFieldsAreAFormatErrorAndReachNothing() {
    List<IsoMessage> bad = new ArrayList<>();
    IsoMessage pin = purchase(0x100, "01", 100);
    Layout.set(pin, Layout.PIN_BLOCK, "0123456789ABCDEF0123");
    bad.add(pin);
    IsoMessage threeDs = purchase(0x100, "00", 100);
    Layout.set(threeDs, Layout.ADDITIONAL_DATA, "4201X");
    bad.add(threeDs);
    IsoMessage cvv = purchase(0x100, "00", 100);
    Layout.set(cvv, Layout.ADDITIONAL_DATA, "9202AB");
    bad.add(cvv);
    IsoMessage noMcc = purchase(0x100, "00", 100);
    noMcc.removeFields(Layout.MCC);
    bad.add(noMcc);
    IsoMessage shortPan = purchase(0x100, "00", 100);
    Layout.set(shortPan, Layout.PAN, "42424242");
    bad.add(shortPan);
    for (IsoMessage request : bad) {
      IsoMessage response = answer(request);
      assertThat(Layout.text(response, Layout.RESPONSE_CODE)).isEqualTo("30");
      assertThat(Layout.text(response, Layout.STAN)).isEqualTo("000042");
    }
    assertThat(network.calls).isEmpty();
  }

  @Test
  void threeDsOutcomeIsReadFromField48() {
    IsoMessage request = purchase(0x100, "00", 100);
    Layout.set(request, Layout.ADDITIONAL_DATA, Layout.subelements(Map.of("42", "A")));
    answer(request);
    assertThat(network.presented.getFirst().threeDs())
        .isEqualTo(DecisionCore.ThreeDs.AUTHENTICATED);
    assertThat(network.presented.getFirst().cvv2()).isNull();
  }

  @Test
  void aZeroAmountIsAnAccountVerificationAndABalanceInquiryAnswersField54() {
    assertThat(Layout.text(answer(purchase(0x100, "00", 0)), Layout.RESPONSE_CODE)).isEqualTo("85");
    IsoMessage balance = answer(purchase(0x100, "31", 0));
    assertThat(Layout.text(balance, Layout.ADDITIONAL_AMOUNTS))
        .isEqualTo("0001840C000000001000" + "0002840C000000000400");
    assertThat(network.calls).containsExactly("check", "check");
    assertThat(Layout.text(answer(purchase(0x100, "30", 5)), Layout.RESPONSE_CODE)).isEqualTo("13");
    network.checkDecline = DeclineReason.CARD_FROZEN;
    IsoMessage frozen = answer(purchase(0x100, "30", 0));
    assertThat(Layout.text(frozen, Layout.RESPONSE_CODE)).isEqualTo("62");
    assertThat(frozen.hasField(Layout.ADDITIONAL_AMOUNTS)).isFalse();
  }

  @Test
  void aFinancialPurchaseIsClearedUnderItsOwnIdAndARefundIsARefund() {
    answer(purchase(0x200, "00", 700));
    assertThat(network.calls).containsExactly("authorize", "clear");
    assertThat(network.clearedIds).containsExactly("iso:12345678901:1122101530:000042:clearing");
    network.calls.clear();
    IsoMessage refund = answer(purchase(0x200, "20", 300));
    assertThat(Layout.text(refund, Layout.RESPONSE_CODE)).isEqualTo("00");
    assertThat(network.calls).containsExactly("refund");
    assertThat(Layout.text(answer(purchase(0x100, "20", 300)), Layout.RESPONSE_CODE))
        .isEqualTo("12");
  }

  @ParameterizedTest
  @CsvSource({"600, 600", "0, ", "''  , "})
  void aReversalKeepsWhatTheMerchantNowTakesOrReleasesAll(String remaining, Long kept) {
    IsoMessage original = purchase(0x100, "00", 1_000);
    IsoMessage reversal =
        requests.reversal(
            0x400,
            "000043",
            AT,
            original,
            CARD,
            remaining == null || remaining.isBlank() ? null : Long.parseLong(remaining));
    IsoMessage response = answer(reversal);
    assertThat(response.getType()).isEqualTo(0x410);
    assertThat(Layout.text(response, Layout.RESPONSE_CODE)).isEqualTo("00");
    // DE95 is what the merchant takes in all (the engine releases what is held beyond it, so a
    // second partial reversal counts from the first's result); none or zero reverses it all.
    if (kept == null) {
      assertThat(network.calls).containsExactly("reverse");
      assertThat(network.reversed).containsExactly((Long) null);
    } else {
      assertThat(network.calls).containsExactly("reverseTo");
      assertThat(network.kept).containsExactly(kept);
    }
    assertThat(network.reversedOriginals).containsExactly("iso:12345678901:1122101530:000042");
  }

  @Test
  void aReversalKeepingAllOrMoreIsAnInvalidAmountAndAnUnknownOriginal25() {
    IsoMessage original = purchase(0x100, "00", 1_000);
    IsoMessage keepsAll = requests.reversal(0x420, "000043", AT, original, CARD, 1_000L);
    assertThat(Layout.text(answer(keepsAll), Layout.RESPONSE_CODE)).isEqualTo("13");
    network.failure = Problem.notFound("authorization", "iso:x");
    IsoMessage unknown = answer(requests.reversal(0x420, "000044", AT, original, CARD, null));
    assertThat(unknown.getType()).isEqualTo(0x430);
    assertThat(Layout.text(unknown, Layout.RESPONSE_CODE)).isEqualTo("25");
  }

  @Test
  void anUnexpectedFailureIsASystemMalfunction() {
    network.failure = new IllegalStateException("boom");
    assertThat(Layout.text(answer(purchase(0x100, "00", 100)), Layout.RESPONSE_CODE))
        .isEqualTo("96");
  }

  @Test
  void anAdviceIsRecordedUnlessTheNetworkDeclinedInStandIn() {
    IsoMessage approved = purchase(0x120, "00", 100);
    Layout.set(approved, Layout.RESPONSE_CODE, "00");
    assertThat(answer(approved).getType()).isEqualTo(0x130);
    IsoMessage declined = purchase(0x121, "00", 100);
    Layout.set(declined, Layout.RESPONSE_CODE, "05");
    assertThat(Layout.text(answer(declined), Layout.RESPONSE_CODE)).isEqualTo("00");
    assertThat(network.calls).containsExactly("advice");
  }

  @Test
  void responsesAreNotAnswered() {
    assertThat(router.answer(Layout.message(0x110), 0)).isEmpty();
    assertThat(router.answer(Layout.message(0x810), 0)).isEmpty();
  }

  /** Records what the router asks and answers as configured. */
  private static final class RecordingNetworkMessages implements NetworkMessages {
    final List<String> calls = new ArrayList<>();
    final List<Presentment> presented = new ArrayList<>();
    final List<String> clearedIds = new ArrayList<>();
    final List<Long> reversed = new ArrayList<>();
    final List<Long> kept = new ArrayList<>();
    final List<String> reversedOriginals = new ArrayList<>();
    boolean approve = true;
    DeclineReason checkDecline;
    RuntimeException failure;

    private void call(String name) {
      calls.add(name);
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public Authorization authorize(Presentment p, long arrivalNanos) {
      call("authorize");
      presented.add(p);
      return authorization(p.networkTransactionId(), approve);
    }

    @Override
    public Authorization recordAdvice(Presentment p) {
      call("advice");
      presented.add(p);
      return authorization(p.networkTransactionId(), true);
    }

    @Override
    public CardCheck check(Presentment p) {
      call("check");
      presented.add(p);
      return checkDecline != null
          ? new CardCheck(checkDecline, null, 0, 0)
          : new CardCheck(null, "USD", 1_000, 400);
    }

    @Override
    public Adjustment reverse(String id, String original, Long amount) {
      reversed.add(amount);
      return reversal("reverse", id, original);
    }

    @Override
    public Adjustment reverseTo(String id, String original, long remaining) {
      kept.add(remaining);
      return reversal("reverseTo", id, original);
    }

    private Adjustment reversal(String method, String id, String original) {
      call(method);
      reversedOriginals.add(original);
      return new Adjustment(
          "adj_0000XYZ789", "auth_1", id, "reversal", true, "00", 0, 0, "Reversed", AT);
    }

    @Override
    public Transaction clear(String id, String original, Long amount, boolean finalClearing) {
      call("clear");
      clearedIds.add(id);
      return transaction(id, "settlement");
    }

    @Override
    public Transaction refund(
        String id,
        Pan pan,
        long amount,
        String currency,
        DecisionCore.Merchant merchant,
        String original) {
      call("refund");
      return transaction(id, "refund");
    }

    private static Authorization authorization(String networkId, boolean approved) {
      return new Authorization(
          "auth_0000abc123",
          false,
          "card_1",
          null,
          "acct_1",
          networkId,
          100,
          "USD",
          100L,
          "USD",
          null,
          Map.of(),
          "pos",
          approved,
          approved ? "pending" : "declined",
          approved ? null : "insufficient_funds",
          approved ? "00" : "51",
          "",
          "internal",
          null,
          null,
          null,
          null,
          0,
          0,
          0,
          0,
          AT);
    }

    private static Transaction transaction(String networkId, String kind) {
      return new Transaction(
          "txn_0000DEF456",
          false,
          "card_1",
          null,
          "acct_1",
          null,
          networkId,
          kind,
          100,
          "USD",
          100,
          "USD",
          Map.of(),
          "pst_1",
          false,
          null,
          AT);
    }
  }
}
