package dev.cardos.controls;

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

  /** What a subject has used in one window. */
  record Used(long amount, long count) {}

  /**
   * Adds {@code amount} and one transaction to each window of the subject, but only if every window
   * stays within its limits. Returns the charge that would break its limit (the caller's
   * transaction must then roll back), or empty when all were added.
   */
  Optional<Charge> consume(String subjectId, List<Charge> charges);

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
