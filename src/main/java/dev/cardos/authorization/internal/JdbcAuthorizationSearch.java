package dev.cardos.authorization.internal;

import dev.cardos.authorization.Authorization;
import dev.cardos.authorization.Authorizations;
import dev.cardos.authorization.Transaction;
import dev.cardos.authorization.Transactions;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@link Authorizations} in PostgreSQL: the search picks ids with its own filters and reads each
 * through {@link JdbcAuthorizations}, so an authorization looks the same here as in the API.
 */
@Repository
class JdbcAuthorizationSearch implements Authorizations {

  private static final int LIMIT_MAX = 200;

  private final JdbcClient jdbc;
  private final JdbcAuthorizations authorizations;
  private final Transactions transactions;

  JdbcAuthorizationSearch(
      JdbcClient jdbc, JdbcAuthorizations authorizations, Transactions transactions) {
    this.jdbc = jdbc;
    this.authorizations = authorizations;
    this.transactions = transactions;
  }

  @Override
  public Optional<Authorization> find(Realm realm, String authorizationId) {
    return authorizations.find(realm, authorizationId);
  }

  @Override
  public List<Authorization> search(Realm realm, Search s, int limitMax) {
    String merchant = s.merchant() == null || s.merchant().isBlank() ? null : s.merchant().strip();
    List<String> ids =
        jdbc.sql(
                """
                SELECT id FROM authorizations
                WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:card AS text) IS NULL OR card_id = :card)
                  AND (CAST(:approved AS boolean) IS NULL OR approved = :approved)
                  AND (CAST(:reason AS text) IS NULL OR decline_reason = :reason)
                  AND (CAST(:merchant AS text) IS NULL OR merchant_id = :merchant
                       OR merchant_name ILIKE :like)
                  AND (CAST(:from AS timestamptz) IS NULL OR created_at >= :from)
                  AND (CAST(:to AS timestamptz) IS NULL OR created_at < :to)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("card", s.cardId())
            .param("approved", s.approved())
            .param("reason", s.declineReason())
            .param("merchant", merchant)
            .param("like", like(merchant))
            .param("from", Timestamps.sql(s.createdFrom()))
            .param("to", Timestamps.sql(s.createdTo()))
            .param("n", Math.clamp(limitMax, 1, LIMIT_MAX))
            .query(String.class)
            .list();
    return ids.stream()
        .map(id -> authorizations.find(realm, id).orElse(null))
        .filter(Objects::nonNull)
        .toList();
  }

  @Override
  public List<Transaction> transactions(Realm realm, TransactionSearch s, int limitMax) {
    String merchant = s.merchant() == null || s.merchant().isBlank() ? null : s.merchant().strip();
    List<String> ids =
        jdbc.sql(
                """
                SELECT id FROM transactions
                WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:card AS text) IS NULL OR card_id = :card)
                  AND (CAST(:kind AS text) IS NULL OR kind = :kind)
                  AND (CAST(:merchant AS text) IS NULL OR merchant_id = :merchant
                       OR merchant_name ILIKE :like)
                  AND (CAST(:from AS timestamptz) IS NULL OR created_at >= :from)
                  AND (CAST(:to AS timestamptz) IS NULL OR created_at < :to)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("card", s.cardId())
            .param("kind", s.kind())
            .param("merchant", merchant)
            .param("like", like(merchant))
            .param("from", Timestamps.sql(s.createdFrom()))
            .param("to", Timestamps.sql(s.createdTo()))
            .param("n", Math.clamp(limitMax, 1, LIMIT_MAX))
            .query(String.class)
            .list();
    return ids.stream()
        .map(id -> transactions.find(realm, id).orElse(null))
        .filter(Objects::nonNull)
        .toList();
  }

  private static String like(String text) {
    return text == null
        ? null
        : "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  @Override
  public List<DailyOutcome> dailyOutcomes(Realm realm, Instant from, Instant to) {
    return jdbc.sql(
            """
            SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS total,
                   count(*) FILTER (WHERE approved) AS approved
            FROM authorizations
            WHERE tenant_id = :tenant AND mode = :mode AND created_at >= :from AND created_at < :to
            GROUP BY 1 ORDER BY 1
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("from", Timestamps.sql(from))
        .param("to", Timestamps.sql(to))
        .query(
            (rs, row) ->
                new DailyOutcome(
                    rs.getObject("day", java.time.LocalDate.class),
                    rs.getLong("total"),
                    rs.getLong("approved")))
        .list();
  }

  @Override
  public List<DailyDeclines> dailyDeclines(Realm realm, Instant from, Instant to) {
    return jdbc.sql(
            """
            SELECT (created_at AT TIME ZONE 'UTC')::date AS day, decline_reason, count(*) AS n
            FROM authorizations
            WHERE tenant_id = :tenant AND mode = :mode AND NOT approved
              AND decline_reason IS NOT NULL AND created_at >= :from AND created_at < :to
            GROUP BY 1, 2 ORDER BY 1, 2
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("from", Timestamps.sql(from))
        .param("to", Timestamps.sql(to))
        .query(
            (rs, row) ->
                new DailyDeclines(
                    rs.getObject("day", java.time.LocalDate.class),
                    rs.getString("decline_reason"),
                    rs.getLong("n")))
        .list();
  }
}
