package dev.cardos.authorization.internal;

import dev.cardos.authorization.Authorization;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.RoundTrip;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Authorizations in PostgreSQL. */
@Repository
class JdbcAuthorizations {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final RoundTrip roundTrip;

  JdbcAuthorizations(JdbcClient jdbc, RoundTrip roundTrip) {
    this.jdbc = jdbc;
    this.roundTrip = roundTrip;
  }

  /**
   * The namespace of a network transaction id: the card network's ({@code chosenBy} null), or the
   * test realm of the tenant that picked it for a simulation. Ids are unique within a namespace
   * only, so a tenant's simulation can never take, see or answer for the network's messages.
   */
  static String idScope(Realm chosenBy) {
    return chosenBy == null ? "" : chosenBy.tenantId() + "/" + chosenBy.mode().wire();
  }

  /**
   * An authorization to store; an approval carries when its hold expires and whether its card is
   * single-use (null and false for a decline). {@code sentByKeyId} is the API key that sent the
   * message (the network's key, or a test key for a simulation), null for one that came over ISO
   * 8583. {@code idScope} is its network transaction id's namespace ({@link #idScope}).
   */
  record Row(
      Realm realm,
      Authorization a,
      Instant holdExpiresAt,
      boolean singleUse,
      String sentByKeyId,
      String idScope) {}

  /** Stores one authorization the card network sent. */
  void insert(Realm realm, Authorization a, Instant holdExpiresAt, boolean singleUse) {
    insertAll(List.of(new Row(realm, a, holdExpiresAt, singleUse, null, idScope(null))));
  }

  /**
   * Stores authorizations in one statement, however many: a group commit's decisions are one round
   * trip and one insert for the database. A repeated network transaction id fails the whole
   * statement ({@link org.springframework.dao.DuplicateKeyException}).
   */
  void insertAll(List<Row> rows) {
    int n = rows.size();
    String[][] text = new String[TEXT_COLUMNS][n];
    Long[][] longs = new Long[3][n];
    Integer[][] ints = new Integer[2][n];
    Boolean[][] flags = new Boolean[2][n];
    for (int i = 0; i < n; i++) {
      Row row = rows.get(i);
      Authorization a = row.a();
      Realm realm = row.realm();
      String[] t = {
        a.id(),
        realm == null ? null : realm.tenantId(),
        realm == null ? null : realm.mode().wire(),
        a.cardId(),
        a.cardholderId(),
        a.accountId(),
        a.networkTransactionId(),
        a.currency(),
        a.cardCurrency(),
        a.fxRate(),
        a.merchant().get("id"),
        a.merchant().get("name"),
        a.merchant().get("mcc"),
        a.merchant().get("city"),
        a.merchant().get("country"),
        a.channel(),
        a.status(),
        a.declineReason(),
        a.responseCode(),
        a.explanation(),
        a.decisionSource(),
        a.webhookReason(),
        a.webhookMetadata() == null ? null : JSON.writeValueAsString(a.webhookMetadata()),
        a.holdId(),
        a.createdAt().toString(),
        row.holdExpiresAt() == null ? null : row.holdExpiresAt().toString(),
        row.sentByKeyId(),
        row.idScope()
      };
      for (int c = 0; c < TEXT_COLUMNS; c++) {
        text[c][i] = t[c];
      }
      longs[0][i] = a.amount();
      longs[1][i] = a.cardAmount();
      longs[2][i] = a.heldAmount();
      ints[0][i] = a.webhookLatencyMs();
      ints[1][i] = a.decisionLatencyMs();
      flags[0][i] = a.approved();
      flags[1][i] = row.singleUse();
    }
    List<Object> params = new ArrayList<>(List.of(text));
    params.addAll(List.of(longs));
    params.addAll(List.of(ints));
    params.addAll(List.of(flags));
    jdbc.sql(
            """
            INSERT INTO authorizations (id, tenant_id, mode, card_id, cardholder_id, account_id,
                network_transaction_id, amount, currency, card_amount, card_currency, fx_rate,
                merchant_id, merchant_name, mcc, merchant_city, merchant_country, channel,
                approved, status, decline_reason, response_code, explanation, decision_source,
                webhook_latency_ms, webhook_reason, webhook_metadata, hold_id,
                decision_latency_ms, held_amount, created_at, updated_at, hold_expires_at,
                single_use, sent_by_key_id, ntid_scope)
            SELECT id, tenant, mode, card, cardholder, account, ntid, amount, currency,
                card_amount, card_currency, CAST(fx_rate AS numeric), merchant_id, merchant_name,
                mcc, city, country, channel, approved, status, reason, code, explanation, source,
                webhook_latency, webhook_reason, CAST(webhook_metadata AS jsonb), hold, latency,
                held, CAST(at AS timestamptz), CAST(at AS timestamptz),
                CAST(hold_expires AS timestamptz), single_use, sent_by, scope
            FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS text[]),
                        CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[]),
                        CAST(? AS integer[]), CAST(? AS integer[]),
                        CAST(? AS boolean[]), CAST(? AS boolean[]))
                 AS r(id, tenant, mode, card, cardholder, account, ntid, currency,
                      card_currency, fx_rate, merchant_id, merchant_name, mcc, city, country,
                      channel, status, reason, code, explanation, source, webhook_reason,
                      webhook_metadata, hold, at, hold_expires, sent_by, scope, amount, card_amount,
                      held,
                      webhook_latency, latency, approved, single_use)
            """)
        .params(params)
        .update();
  }

  private static final int TEXT_COLUMNS = 28;

  /** Moves the authorization's amounts and status after an adjustment or clearing. */
  void adjust(String id, long heldDelta, long clearedDelta, long reversedDelta, String status) {
    jdbc.sql(
            """
            UPDATE authorizations
            SET held_amount = greatest(0, held_amount + :held),
                cleared_amount = cleared_amount + :cleared,
                reversed_amount = reversed_amount + :reversed,
                status = coalesce(:status, status), updated_at = now()
            WHERE id = :id
            """)
        .param("held", heldDelta)
        .param("cleared", clearedDelta)
        .param("reversed", reversedDelta)
        .param("status", status)
        .param("id", id)
        .update();
  }

  /**
   * Locks and reads an authorization by its own id or its network transaction id: for a realm (a
   * simulation), one of the realm's, by an id it picked first; for the card network (null), one the
   * network sent. The network never reaches an authorization a tenant simulated.
   */
  Optional<Authorization> lock(Realm realm, String idOrNetworkId) {
    return jdbc.sql(
            """
            SELECT * FROM authorizations
            WHERE (id = :key OR network_transaction_id = :key)
              AND (CAST(:tenant AS text) IS NULL
                   OR (tenant_id = :tenant AND mode = :mode AND ntid_scope IN (:scope, '')))
              AND (CAST(:tenant AS text) IS NOT NULL OR ntid_scope = '')
            ORDER BY id = :key DESC, ntid_scope DESC
            LIMIT 1
            FOR UPDATE
            """)
        .param("key", idOrNetworkId)
        .param("tenant", realm == null ? null : realm.tenantId())
        .param("mode", realm == null ? null : realm.mode().wire())
        .param("scope", idScope(realm))
        .query(JdbcAuthorizations::map)
        .optional();
  }

  Optional<Realm> realmOf(String authorizationId) {
    return jdbc.sql(
            "SELECT tenant_id, mode FROM authorizations WHERE id = :id AND tenant_id IS NOT NULL")
        .param("id", authorizationId)
        .query(
            (rs, row) ->
                new Realm(rs.getString(1), dev.cardos.tenancy.Mode.fromWire(rs.getString(2))))
        .optional();
  }

  /**
   * The card's authorizations declined for a wrong CVV2 or expiry since {@code since}: the
   * signature of card testing, for the risk rule.
   */
  int recentDeclines(String cardId, java.time.Instant since) {
    return jdbc.sql(
            """
            SELECT count(*) FROM authorizations
            WHERE card_id = :card AND NOT approved AND created_at > :since
              AND decline_reason IN ('invalid_cvv', 'expiry_mismatch')
            """)
        .param("card", cardId)
        .param("since", Timestamps.sql(since))
        .query(Integer.class)
        .single();
  }

  /**
   * What an authorization request needs from earlier ones: the first answer to the same network
   * transaction id, if any, and how many of the card's authorizations were declined for a wrong
   * CVV2 or expiry since {@code since} (0 without a card). One statement.
   */
  record Prior(Optional<Authorization> earlier, int recentDeclines) {}

  Prior prior(String idScope, String networkTransactionId, String cardId, Instant since) {
    return roundTrip.one(priorRead(idScope, networkTransactionId, cardId, since));
  }

  /** {@link #prior} as a read to run together with the decision's other reads. */
  RoundTrip.Statement<Prior> priorRead(
      String idScope, String networkTransactionId, String cardId, Instant since) {
    Map<String, Object> params = new HashMap<>();
    params.put("scope", idScope);
    params.put("ntid", networkTransactionId);
    params.put("card", cardId);
    params.put("since", Timestamps.sql(since));
    return RoundTrip.Statement.query(
        """
        SELECT earlier.*,
               (SELECT count(*) FROM authorizations
                WHERE card_id = :card AND NOT approved AND created_at > :since
                  AND decline_reason IN ('invalid_cvv', 'expiry_mismatch')) AS mismatches
        FROM (SELECT 1) AS one
        LEFT JOIN authorizations earlier
          ON earlier.network_transaction_id = :ntid AND earlier.ntid_scope = :scope
        """,
        params,
        rows -> {
          rows.next();
          return new Prior(
              rows.getString("id") == null
                  ? Optional.empty()
                  : Optional.of(JdbcAuthorizations.map(rows, 0)),
              rows.getInt("mismatches"));
        });
  }

  Optional<Authorization> byNetworkTransactionId(String idScope, String networkTransactionId) {
    return jdbc.sql(
            """
            SELECT * FROM authorizations
            WHERE network_transaction_id = :ntid AND ntid_scope = :scope
            """)
        .param("ntid", networkTransactionId)
        .param("scope", idScope)
        .query(JdbcAuthorizations::map)
        .optional();
  }

  Optional<Authorization> find(Realm realm, String id) {
    return jdbc.sql(
            "SELECT * FROM authorizations WHERE tenant_id = :tenant AND mode = :mode AND id = :id")
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", id)
        .query(JdbcAuthorizations::map)
        .optional();
  }

  /** Filters for a list; null matches anything. */
  record Filter(
      String cardId,
      String cardholderId,
      String status,
      Boolean approved,
      String declineReason,
      java.time.Instant createdAfter,
      java.time.Instant createdBefore) {}

  Page<Authorization> list(Realm realm, Filter f, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM authorizations
                WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:card AS text) IS NULL OR card_id = :card)
                  AND (CAST(:cardholder AS text) IS NULL OR cardholder_id = :cardholder)
                  AND (CAST(:status AS text) IS NULL OR status = :status)
                  AND (CAST(:approved AS boolean) IS NULL OR approved = :approved)
                  AND (CAST(:reason AS text) IS NULL OR decline_reason = :reason)
                  AND (CAST(:from AS timestamptz) IS NULL OR created_at > :from)
                  AND (CAST(:to AS timestamptz) IS NULL OR created_at < :to)
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("card", f.cardId())
            .param("cardholder", f.cardholderId())
            .param("status", f.status())
            .param("approved", f.approved())
            .param("reason", f.declineReason())
            .param("from", Timestamps.sql(f.createdAfter()))
            .param("to", Timestamps.sql(f.createdBefore()))
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(JdbcAuthorizations::map)
            .list(),
        page);
  }

  private static Authorization map(ResultSet rs, int row) throws SQLException {
    long cardAmount = rs.getLong("card_amount");
    Long cardAmountValue = rs.wasNull() ? null : cardAmount;
    int webhookLatency = rs.getInt("webhook_latency_ms");
    Integer webhookLatencyValue = rs.wasNull() ? null : webhookLatency;
    BigDecimal fx = rs.getBigDecimal("fx_rate");
    Map<String, String> merchant = new LinkedHashMap<>();
    merchant.put("id", rs.getString("merchant_id"));
    merchant.put("name", rs.getString("merchant_name"));
    merchant.put("mcc", rs.getString("mcc"));
    merchant.put("city", rs.getString("merchant_city"));
    merchant.put("country", rs.getString("merchant_country"));
    String metadata = rs.getString("webhook_metadata");
    return new Authorization(
        rs.getString("id"),
        "live".equals(rs.getString("mode")),
        rs.getString("card_id"),
        rs.getString("cardholder_id"),
        rs.getString("account_id"),
        rs.getString("network_transaction_id"),
        rs.getLong("amount"),
        rs.getString("currency"),
        cardAmountValue,
        rs.getString("card_currency"),
        fx == null ? null : fx.stripTrailingZeros().toPlainString(),
        merchant,
        rs.getString("channel"),
        rs.getBoolean("approved"),
        rs.getString("status"),
        rs.getString("decline_reason"),
        rs.getString("response_code"),
        rs.getString("explanation"),
        rs.getString("decision_source"),
        webhookLatencyValue,
        rs.getString("webhook_reason"),
        metadata == null ? null : JSON.readValue(metadata, OBJECT),
        rs.getString("hold_id"),
        rs.getInt("decision_latency_ms"),
        rs.getLong("held_amount"),
        rs.getLong("cleared_amount"),
        rs.getLong("reversed_amount"),
        Timestamps.instant(rs.getTimestamp("created_at")));
  }
}
