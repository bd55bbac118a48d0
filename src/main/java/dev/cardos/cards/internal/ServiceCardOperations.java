package dev.cardos.cards.internal;

import dev.cardos.cards.Card;
import dev.cardos.cards.CardAction;
import dev.cardos.cards.CardOperations;
import dev.cardos.programs.CardForm;
import dev.cardos.shared.Json;
import dev.cardos.shared.Problem;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * {@link CardOperations} by delegation to {@link CardService} (the code behind {@code /v1/cards}),
 * plus the one query the API has no endpoint for: a search that also takes the last four digits.
 */
@Service
class ServiceCardOperations implements CardOperations {

  private static final int LIMIT_MAX = 200;

  private final CardService service;
  private final JdbcClient jdbc;

  ServiceCardOperations(CardService service, JdbcClient jdbc) {
    this.service = service;
    this.jdbc = jdbc;
  }

  @Override
  public List<Card> search(Realm realm, CardQuery query, int limitMax) {
    if (query.cardholderIds() != null && query.cardholderIds().isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            """
            SELECT * FROM cards
            WHERE tenant_id = :tenant AND mode = :mode
              AND (CAST(:last4 AS text) IS NULL OR last4 = :last4)
              AND (CAST(:reference AS text) IS NULL OR reference = :reference)
              AND (CAST(:status AS text) IS NULL OR status = :status)
              AND (CAST(:holders AS text[]) IS NULL OR cardholder_id = ANY (CAST(:holders AS text[])))
              AND metadata @> CAST(:metadata AS jsonb)
            ORDER BY id DESC LIMIT :n
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("last4", query.last4())
        .param("reference", query.reference())
        .param("status", query.status() == null ? null : query.status().wire())
        .param(
            "holders",
            query.cardholderIds() == null ? null : query.cardholderIds().toArray(String[]::new))
        .param("metadata", Json.write(query.metadata()))
        .param("n", Math.clamp(limitMax, 1, LIMIT_MAX))
        .query((rs, row) -> JdbcCards.map(rs, row).card())
        .list();
  }

  @Override
  public Card change(Realm realm, String cardId, CardAction action, String reason, String actor) {
    return service.change(realm, cardId, action, reason, actor);
  }

  @Override
  public Card issueVirtual(
      Realm realm, String programId, String cardholderId, String label, String actor) {
    return service
        .issue(
            realm,
            new CardService.IssueRequest(
                programId, cardholderId, CardForm.VIRTUAL, label, null, Map.of(), false, null),
            actor)
        .card();
  }

  @Override
  public String fund(Realm realm, String cardId, long amountMinor, String currency) {
    return service.fund(realm, cardId, amountMinor, currency, null, true).postingId();
  }

  @Override
  public RevealedCard reveal(Realm realm, String cardId) {
    CardService.Sensitive s = service.reveal(realm, cardId);
    return new RevealedCard(s.pan(), s.cvv2(), s.expMonth(), s.expYear());
  }

  @Override
  public List<Transition> transitions(Realm realm, String cardId, int limitMax) {
    if (!cardExists(realm, cardId)) {
      throw Problem.notFound("card", cardId);
    }
    return jdbc.sql(
            "SELECT * FROM card_transitions WHERE card_id = :card ORDER BY id DESC LIMIT :n")
        .param("card", cardId)
        .param("n", Math.clamp(limitMax, 1, LIMIT_MAX))
        .query(
            (rs, row) ->
                new Transition(
                    rs.getString("id"),
                    rs.getString("action"),
                    rs.getString("from_status"),
                    rs.getString("to_status"),
                    rs.getString("reason"),
                    rs.getString("actor"),
                    Timestamps.instant(rs.getTimestamp("created_at"))))
        .list();
  }

  private boolean cardExists(Realm realm, String cardId) {
    return jdbc.sql(
            "SELECT EXISTS (SELECT 1 FROM cards WHERE tenant_id = :t AND mode = :m AND id = :id)")
        .param("t", realm.tenantId())
        .param("m", realm.mode().wire())
        .param("id", cardId)
        .query(Boolean.class)
        .single();
  }
}
