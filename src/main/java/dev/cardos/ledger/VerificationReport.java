package dev.cardos.ledger;

import java.util.List;

/**
 * The result of proving the books: what was checked and every violation found. {@code ok} is true
 * only when there are no violations.
 */
public record VerificationReport(
    long accounts, long postings, long entries, long activeHolds, List<String> violations) {

  public VerificationReport {
    violations = List.copyOf(violations);
  }

  public boolean ok() {
    return violations.isEmpty();
  }
}
