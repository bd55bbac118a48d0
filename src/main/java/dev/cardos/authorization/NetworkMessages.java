package dev.cardos.authorization;

import dev.cardos.cards.CardSecurity;
import dev.cardos.cards.Pan;
import dev.cardos.controls.Channel;

/**
 * The card network's messages, for a transport other than the JSON endpoints (the ISO 8583
 * interface): each method runs exactly what the matching {@code /v1/network/*} endpoint runs, on
 * the same engine and lifecycle, so a card decides the same whichever way the network speaks.
 * Messages name their card by PAN and their original by network transaction id; a repeated id gets
 * the first answer and changes nothing.
 *
 * <p>Rejections (an unknown original, bad input, a missing FX rate) are thrown as {@link
 * dev.cardos.shared.Problem}s, as over JSON; the caller turns them into its own response codes.
 */
public interface NetworkMessages {

  /**
   * A card presented to a merchant: an authorization request, a stand-in advice, an account
   * verification or a balance inquiry. {@code amount} is in the minor units of {@code currency}
   * (the merchant's); expiry ({@code YYMM}), CVV2, PIN block and 3-D Secure outcome are null when
   * not presented. Its {@code toString} shows no card data.
   */
  record Presentment(
      String networkTransactionId,
      Pan pan,
      String expiryYymm,
      String cvv2,
      CardSecurity.PinBlockFormat pinFormat,
      byte[] pinBlock,
      DecisionCore.ThreeDs threeDs,
      long amount,
      String currency,
      Channel channel,
      DecisionCore.Merchant merchant) {

    @Override
    public String toString() {
      return "Presentment[" + networkTransactionId + "]";
    }
  }

  /** An authorization request (0100/0200): SPEC §5's checks, the tenant's webhook, the hold. */
  Authorization authorize(Presentment presentment, long arrivalNanos);

  /**
   * A stand-in advice (0120): the network already approved on the issuer's behalf, so the
   * authorization is recorded as approved and held without running the checks. The hold covers at
   * most what is available (the ledger never lets an account go below its overdraft limit); what it
   * does not cover is left to the clearing, which books any shortfall to the suspense account and
   * flags the transaction for review. The spend is counted against the limits, which may then stand
   * above them.
   */
  Authorization recordAdvice(Presentment presentment);

  /**
   * An account verification ($0 authorization) or balance inquiry: checks 1 to 4 of SPEC §5 (the
   * card exists and is usable, the expiry matches, the CVV2 or PIN is right; a wrong PIN counts as
   * a try) and the card-testing risk rule, then answers with the card account's balances. Nothing
   * is held. A failed check is stored as a declined authorization of amount 0 with its event (so
   * wrong CVV2s count towards the risk rule); one that passes stores nothing.
   */
  CardCheck check(Presentment presentment);

  /**
   * What {@link #check} found: {@code decline} null when every check passed, and then the account's
   * currency and balances in its minor units.
   */
  record CardCheck(DeclineReason decline, String currency, long ledgerMinor, long availableMinor) {

    public boolean passed() {
      return decline == null;
    }
  }

  /** A full ({@code amount} null) or partial reversal, in the merchant's currency. */
  Adjustment reverse(String networkTransactionId, String originalNetworkTransactionId, Long amount);

  /**
   * A partial reversal that says what the merchant now takes in all ({@code remaining}, in the
   * merchant's currency, ISO 8583's DE95): what is held beyond it is released, however many partial
   * reversals came before.
   */
  Adjustment reverseTo(
      String networkTransactionId, String originalNetworkTransactionId, long remaining);

  /** A clearing of an approved authorization; {@code amount} null clears what is held. */
  Transaction clear(
      String networkTransactionId,
      String originalNetworkTransactionId,
      Long amount,
      boolean finalClearing);

  /** A merchant's refund to the card, linked to its original payment when named. */
  Transaction refund(
      String networkTransactionId,
      Pan pan,
      long amount,
      String currency,
      DecisionCore.Merchant merchant,
      String originalNetworkTransactionId);
}
