package dev.cardos.disputes.internal;

import dev.cardos.disputes.Disputes;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** {@link Disputes} by delegation to {@link DisputeService}, the code behind the API. */
@Service
class ServiceDisputes implements Disputes {

  private static final int LIMIT_MAX = 100;

  /** The API's limit on text evidence ({@code DisputeController.EvidenceInput}). */
  private static final int TEXT_LENGTH_MAX = 20_000;

  private final DisputeService disputes;
  private final JdbcClient jdbc;

  ServiceDisputes(DisputeService disputes, JdbcClient jdbc) {
    this.disputes = disputes;
    this.jdbc = jdbc;
  }

  @Override
  public List<DisputeSummary> list(Realm realm, String status, int limitMax) {
    return disputes
        .list(
            realm,
            status,
            null,
            null,
            PageRequest.of(Math.clamp(limitMax, 1, LIMIT_MAX), null, "dp_"))
        .data()
        .stream()
        .map(ServiceDisputes::summary)
        .toList();
  }

  @Override
  public Optional<DisputeSummary> find(Realm realm, String disputeId) {
    return disputes.find(realm, disputeId).map(ServiceDisputes::summary);
  }

  @Override
  public DisputeSummary addText(Realm realm, String disputeId, String text) {
    if (text == null || text.isBlank() || text.length() > TEXT_LENGTH_MAX) {
      throw Problem.invalidField("text", "must be 1 to " + TEXT_LENGTH_MAX + " characters");
    }
    return summary(disputes.addText(realm, disputeId, text));
  }

  @Override
  public DisputeSummary submit(Realm realm, String disputeId, String actor) {
    return summary(disputes.submit(realm, disputeId, actor));
  }

  @Override
  public List<StatusChange> history(Realm realm, String disputeId) {
    if (disputes.find(realm, disputeId).isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            "SELECT * FROM dispute_transitions WHERE dispute_id = :id ORDER BY id LIMIT 100")
        .param("id", disputeId)
        .query(
            (rs, row) ->
                new StatusChange(
                    rs.getString("from_status"),
                    rs.getString("to_status"),
                    rs.getString("actor"),
                    Timestamps.instant(rs.getTimestamp("created_at"))))
        .list();
  }

  private static DisputeSummary summary(DisputeService.Dispute d) {
    return new DisputeSummary(
        d.id(),
        d.transactionId(),
        d.authorizationId(),
        d.cardId(),
        d.cardLast4(),
        d.reason(),
        d.amount(),
        d.currency(),
        d.explanation(),
        d.status(),
        d.provisionalCredit(),
        d.filingDeadline(),
        d.evidence() == null
            ? List.of()
            : d.evidence().stream()
                .map(
                    e ->
                        new EvidenceItem(
                            e.id(),
                            e.kind(),
                            e.text(),
                            e.fileName(),
                            e.contentType(),
                            e.sizeBytes(),
                            e.sha256(),
                            e.createdAt()))
                .toList(),
        d.createdAt(),
        d.updatedAt());
  }
}
