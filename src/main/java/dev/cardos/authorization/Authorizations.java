package dev.cardos.authorization;

import dev.cardos.tenancy.Realm;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Reads authorizations and their decisions for people (the dashboard): a search with the filters a
 * support desk uses and the daily figures an overview draws. Every read is within one {@link
 * Realm}.
 */
public interface Authorizations {

  Optional<Authorization> find(Realm realm, String authorizationId);

  /** Authorizations matching every given criterion (null matches anything), newest first. */
  List<Authorization> search(Realm realm, Search search, int limitMax);

  /** Posted transactions matching every given criterion (null matches anything), newest first. */
  List<Transaction> transactions(Realm realm, TransactionSearch search, int limitMax);

  /**
   * Counts per UTC day in {@code [from, to)}, oldest first; days with no authorization are absent.
   */
  List<DailyOutcome> dailyOutcomes(Realm realm, Instant from, Instant to);

  /** Declines per reason and UTC day in {@code [from, to)}. */
  List<DailyDeclines> dailyDeclines(Realm realm, Instant from, Instant to);

  /**
   * Search criteria. {@code merchant} matches a merchant id exactly or a merchant name in part;
   * times bound {@code created_at} as {@code [createdFrom, createdTo)}.
   */
  record Search(
      String cardId,
      Boolean approved,
      String declineReason,
      String merchant,
      Instant createdFrom,
      Instant createdTo) {}

  /**
   * Transaction criteria: {@code kind} is settlement, refund or force_post; {@code merchant} as in
   * {@link Search}; times bound {@code created_at} as {@code [createdFrom, createdTo)}.
   */
  record TransactionSearch(
      String cardId, String kind, String merchant, Instant createdFrom, Instant createdTo) {}

  /** How many authorizations a day had and how many were approved. */
  record DailyOutcome(LocalDate day, long total, long approved) {}

  /** How many authorizations were declined for one reason on one day. */
  record DailyDeclines(LocalDate day, String declineReason, long count) {}
}
