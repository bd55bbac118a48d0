package dev.cardos.disputes;

import dev.cardos.tenancy.Realm;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads disputes for people (the dashboard), as {@code GET /v1/disputes} shows them: status,
 * amounts in minor units, evidence by name, type, size and hash (never a file's bytes), and the
 * history of status changes. Every read is within one {@link Realm}.
 */
public interface Disputes {

  /** The realm's disputes, newest first; {@code status} null for any. */
  List<DisputeSummary> list(Realm realm, String status, int limitMax);

  Optional<DisputeSummary> find(Realm realm, String disputeId);

  /**
   * Adds text evidence (1 to 20,000 characters) while the dispute is open, as {@code POST
   * /v1/disputes/{id}/evidence} does; a 409 problem once it is not. Runs in the caller's
   * transaction.
   */
  DisputeSummary addText(Realm realm, String disputeId, String text);

  /** Submits the dispute to the network, as {@code POST /v1/disputes/{id}/submit} does. */
  DisputeSummary submit(Realm realm, String disputeId, String actor);

  /** The dispute's status changes, oldest first. */
  List<StatusChange> history(Realm realm, String disputeId);

  record DisputeSummary(
      String id,
      String transactionId,
      String authorizationId,
      String cardId,
      String cardLast4,
      String reason,
      long amount,
      String currency,
      String explanation,
      String status,
      boolean provisionalCredit,
      Instant filingDeadline,
      List<EvidenceItem> evidence,
      Instant createdAt,
      Instant updatedAt) {

    public DisputeSummary {
      evidence = List.copyOf(evidence);
    }
  }

  record EvidenceItem(
      String id,
      String kind,
      String text,
      String fileName,
      String contentType,
      Integer sizeBytes,
      String sha256,
      Instant createdAt) {}

  record StatusChange(String fromStatus, String toStatus, String actor, Instant at) {}
}
