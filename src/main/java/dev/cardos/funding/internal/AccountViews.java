package dev.cardos.funding.internal;

import dev.cardos.ledger.Account;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Entry;
import java.time.Instant;
import java.util.Map;

/** How accounts and their entries look in the API. */
final class AccountViews {

  private AccountViews() {}

  record Balances(long ledger, long held, long available) {}

  record AccountView(
      String id,
      boolean livemode,
      AccountKind kind,
      String currency,
      String cardholderId,
      String reference,
      Balances balances,
      Map<String, String> metadata,
      Instant createdAt) {

    static AccountView of(Account a) {
      return new AccountView(
          a.id(),
          a.livemode(),
          a.kind(),
          a.currency(),
          a.cardholderId(),
          a.reference(),
          new Balances(a.ledgerMinor(), a.heldMinor(), a.availableMinor()),
          a.metadata(),
          a.createdAt());
    }
  }

  record EntryView(
      String id,
      String accountId,
      String postingId,
      String kind,
      String referenceId,
      long amount,
      String currency,
      long balanceAfter,
      Instant createdAt) {

    static EntryView of(Entry e) {
      return new EntryView(
          e.id(),
          e.accountId(),
          e.postingId(),
          e.postingKind(),
          e.referenceId(),
          e.amountMinor(),
          e.currency(),
          e.balanceAfterMinor(),
          e.createdAt());
    }
  }
}
