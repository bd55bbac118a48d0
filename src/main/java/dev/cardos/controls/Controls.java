package dev.cardos.controls;

import dev.cardos.shared.RoundTrip;
import dev.cardos.tenancy.Realm;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where card and cardholder controls are kept, and the usage counters windowed limits are checked
 * against. A change applies to the very next authorization: nothing is cached.
 */
public interface Controls {

  /** The controls set on a card or cardholder ({@code subjectId}), if any. */
  Optional<SpendControls> find(Realm realm, String subjectId);

  /** Replaces a card's or cardholder's controls after validating them (400 on bad input). */
  SpendControls put(Realm realm, String subjectId, SpendControls controls);

  /** Copies a card's controls to its replacement. */
  void copy(Realm realm, String fromSubjectId, String toSubjectId);

  /** Amount and count used per window key, for a subject. */
  Map<String, Used> usage(String subjectId, List<String> windowKeys);

  /**
   * Controls and usage of several subjects at once (one statement), as a read to run together with
   * other modules' (one round trip): for each subject, its controls (NONE when it has none) and its
   * usage in the given windows. At least one subject.
   */
  RoundTrip.Statement<Map<String, Snapshot>> snapshotRead(
      Realm realm, List<String> subjectIds, List<String> windowKeys);

  /** One subject's controls and its usage per window key. */
  record Snapshot(SpendControls controls, Map<String, Used> usage) {}

  /** What a subject has used in one window. */
  record Used(long amount, long count) {}

  /**
   * Adds each charge's amount and one transaction to its window of the subject, in one statement
   * whose row locks make check and add atomic against concurrent charges. Returns the first charge
   * (by window key) that broke its limit, with what the window held before it; the caller's
   * transaction (or savepoint) must then roll back, because the other charges were added. Empty
   * when every window stayed within its limits.
   */
  Optional<Exceeded> consume(String subjectId, List<Charge> charges);

  /**
   * {@link #consume} for more of a transaction already counted (an incremental authorization): the
   * amounts are added, the windows' transaction counts are not.
   */
  Optional<Exceeded> consumeAmount(String subjectId, List<Charge> charges);

  /** One subject's charges, for {@link #consumeAll}. */
  record Consumption(String subjectId, List<Charge> charges) {}

  /** Which subject's charge broke its limit. */
  record Refusal(String subjectId, Exceeded exceeded) {}

  /**
   * {@link #consume} for several subjects (a card and its cardholder) in one statement: rows are
   * taken subject by subject in the order given, each subject's windows by key. Returns the first
   * charge that broke its limit; the caller must then roll back.
   */
  Optional<Refusal> consumeAll(List<Consumption> consumptions);

  /** A charge that broke its window's limit, and the window's usage before the charge. */
  record Exceeded(Charge charge, Used before) {

    /** Whether the amount limit (rather than the count limit) was broken. */
    public boolean amountOver() {
      return charge.amountLimit() != null
          && Math.addExact(before.amount(), charge.amount()) > charge.amountLimit();
    }
  }

  /** Takes {@code amount} back from each window (a reversal or refund); never below zero. */
  void release(String subjectId, List<String> windowKeys, long amount);

  /** One window to charge, with its limits (null for none). */
  record Charge(String windowKey, long amount, Long amountLimit, Long countLimit) {}

  /** Validates controls given in a request, naming the offending field under {@code field}. */
  static SpendControls validated(SpendControls controls, String field) {
    return dev.cardos.controls.internal.ControlValidation.validated(controls, field);
  }

  /** Reads the program-level controls kept as a JSON object on the program. */
  static SpendControls fromProgram(Map<String, Object> defaultControls) {
    return dev.cardos.controls.internal.ControlValidation.fromMap(defaultControls);
  }
}
