package dev.cardos.ledger;

import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.RoundTrip;
import dev.cardos.tenancy.Realm;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The books. Every method runs in the caller's transaction (or its own when there is none), so a
 * posting and whatever caused it commit together. Balances are kept in step with entries and holds
 * in the same statements; {@link #verify()} proves they are.
 *
 * <p>No method lets an account's available balance fall below zero (or its overdraft limit), under
 * any concurrency: the rows are locked in id order and the database has a check constraint besides.
 */
public interface Ledger {

  /** Opens an account; the caller has checked who owns it. */
  Account open(Realm realm, NewAccount account);

  /**
   * The realm's funding account in the currency, or the cardholder's wallet in it, opened if there
   * is none yet; safe when several requests ask at once.
   */
  Account fundingOrWallet(Realm realm, String currency, String cardholderId);

  /** A request to open an account. {@code cardholderId} is set for wallets (and card accounts). */
  record NewAccount(
      AccountKind kind,
      String currency,
      String cardholderId,
      String reference,
      Map<String, String> metadata) {}

  Optional<Account> find(Realm realm, String accountId);

  /** {@link #find} as a read to run together with other modules' (one round trip). */
  RoundTrip.Statement<Optional<Account>> findRead(Realm realm, String accountId);

  /** The realm's accounts, newest first; null filters match anything. */
  Page<Account> accounts(
      Realm realm, AccountKind kind, String currency, String cardholderId, PageRequest page);

  /** The realm's system account of this kind and currency, opened on first use. */
  Account systemAccount(Realm realm, AccountKind kind, String currency);

  /**
   * Posts balanced legs at once, or nothing. Legs must sum to zero per currency and name accounts
   * of this realm.
   */
  PostingResult post(Realm realm, PostingRequest request);

  /** Reserves {@code amountMinor} on the account; idempotent by {@code holdId}. */
  HoldResult placeHold(
      Realm realm, String holdId, String accountId, long amountMinor, Instant expiresAt);

  /**
   * Reserves {@code amountMinor} under a hold id never used before, in one statement: the account's
   * row is updated only if it covers the amount, and the hold and its operation are inserted with
   * it. For the authorization path, whose uniqueness (the network transaction id) is enforced in
   * the same transaction; a reused hold id fails with a duplicate key instead of answering again.
   */
  HoldResult placeNewHold(
      Realm realm, String holdId, String accountId, long amountMinor, Instant expiresAt);

  /** Raises an active hold (incremental authorization); idempotent by {@code operationId}. */
  HoldResult increaseHold(Realm realm, String holdId, String operationId, long byMinor);

  /**
   * Releases part of an active hold, or all of it when {@code amountMinor} covers what is held;
   * idempotent by {@code operationId}.
   */
  HoldResult releaseHold(Realm realm, String holdId, String operationId, long amountMinor);

  /**
   * Captures {@code amountMinor} of a hold into a posting from the held account to {@code
   * counterAccountId}. The hold falls by the amount captured (not below zero); when {@code
   * finalCapture}, whatever remains is released. Capturing more than is held needs the excess to be
   * available. Idempotent by {@code operationId}.
   */
  HoldResult captureHold(
      Realm realm,
      String holdId,
      String operationId,
      long amountMinor,
      String counterAccountId,
      boolean finalCapture);

  /** Expires up to {@code limit} active holds whose time has passed; returns how many. */
  int expireHolds(Instant now, int limit);

  Optional<Hold> findHold(Realm realm, String holdId);

  /** The account's entries, newest first. */
  Page<Entry> entries(Realm realm, String accountId, PageRequest page);

  /** Proves the whole database's books: see {@link VerificationReport}. */
  VerificationReport verify();
}
