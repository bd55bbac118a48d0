package dev.cardos.cards.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cardos.cards.Card;
import dev.cardos.cards.CardStatus;
import dev.cardos.cards.Cards;
import dev.cardos.cards.Pan;
import dev.cardos.programs.CardForm;
import dev.cardos.shared.Json;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.RoundTrip;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Cards in PostgreSQL; every tenant query is filtered by realm. */
@Repository
class JdbcCards implements Cards {

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(tools.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
          .build();

  private final JdbcClient jdbc;
  private final CardVault vault;

  /**
   * The identity of the card last found in use with a number, by the number's lookup hash (never
   * the number): lets an authorization read the card, its account and its limits in one round trip
   * instead of looking the card up first. It cannot name the wrong card: at most one card is in use
   * per number (the unique index cards_pan_in_use), and no statement ever changes a card's number,
   * realm, program, cardholder or account; the card row read with the rest (inUseRead) says whether
   * it is still the one in use. 100,000 cards take about 60 MB.
   */
  private final Cache<String, Identity> identities =
      Caffeine.newBuilder().maximumSize(100_000).build();

  JdbcCards(JdbcClient jdbc, CardVault vault) {
    this.jdbc = jdbc;
    this.vault = vault;
  }

  /** A cards row: the card plus what only this module may see. */
  record CardRow(
      Card card,
      byte[] panCiphertext,
      String panKeyId,
      String pvv,
      Integer pvki,
      int pinTries,
      byte[] activationCodeHash) {}

  /** Filters for a list; null matches anything. */
  record Filter(
      String cardholderId,
      CardStatus status,
      String reference,
      String programId,
      Map<String, String> metadata) {}

  @Override
  public Optional<Card> find(Realm realm, String cardId) {
    return row(realm, cardId, false).map(CardRow::card);
  }

  Optional<CardRow> row(Realm realm, String cardId, boolean forUpdate) {
    return jdbc.sql(
            "SELECT * FROM cards WHERE tenant_id = :tenant AND mode = :mode AND id = :id"
                + (forUpdate ? " FOR UPDATE" : ""))
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", cardId)
        .query(JdbcCards::map)
        .optional();
  }

  @Override
  public Optional<CardWithRealm> findByPan(Pan pan) {
    // The card in use with this number, else the newest that had it: the network must learn a
    // terminated card is terminated, and a refund must still reach a single-use card. Two
    // statements rather than one ORDER BY: the first matches the unique partial index
    // cards_pan_in_use, so its generic plan is exact (one row) and PostgreSQL never re-plans
    // it per call; the ordered form drifted to a custom plan on every call once cards was
    // analyzed, a tenth of the database's CPU per decision (docs/benchmarks.md).
    byte[] hmac = vault.lookupHash(pan);
    Optional<CardWithRealm> inUse =
        byPan("SELECT * FROM cards WHERE pan_hmac = :hmac AND status <> 'terminated'", hmac);
    String key = HexFormat.of().formatHex(hmac);
    if (inUse.isPresent()) {
      identities.put(key, Identity.of(inUse.get().realm(), inUse.get().card()));
      return inUse;
    }
    identities.invalidate(key);
    return byPan(
        """
        SELECT * FROM cards WHERE pan_hmac = :hmac AND status = 'terminated'
        ORDER BY created_at DESC LIMIT 1
        """,
        hmac);
  }

  @Override
  public Optional<Identity> knownByPan(Pan pan) {
    return Optional.ofNullable(
        identities.getIfPresent(HexFormat.of().formatHex(vault.lookupHash(pan))));
  }

  @Override
  public RoundTrip.Statement<Optional<Card>> inUseRead(Identity identity) {
    return RoundTrip.Statement.query(
        """
        SELECT * FROM cards
        WHERE id = :id AND tenant_id = :tenant AND mode = :mode AND status <> 'terminated'
        """,
        Map.of(
            "id",
            identity.cardId(),
            "tenant",
            identity.realm().tenantId(),
            "mode",
            identity.realm().mode().wire()),
        rows -> rows.next() ? Optional.of(map(rows, 0).card()) : Optional.empty());
  }

  private Optional<CardWithRealm> byPan(String sql, byte[] hmac) {
    return jdbc.sql(sql)
        .param("hmac", hmac)
        .query(
            (rs, row) ->
                new CardWithRealm(
                    new Realm(rs.getString("tenant_id"), Mode.fromWire(rs.getString("mode"))),
                    map(rs, row).card()))
        .optional();
  }

  /** Whether a card in use already has this number. */
  boolean panInUse(byte[] hmac) {
    return jdbc.sql(
            "SELECT EXISTS (SELECT 1 FROM cards WHERE pan_hmac = :hmac AND status <> 'terminated')")
        .param("hmac", hmac)
        .query(Boolean.class)
        .single();
  }

  /**
   * The cardholder's live cards in the program, counted under a transaction-scoped lock on the
   * pair, so concurrent issues cannot both pass the program's limit.
   */
  long liveCardsOf(String cardholderId, String programId) {
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(:key))")
        .param("key", "cards:" + cardholderId + ":" + programId)
        .query((rs, row) -> 1)
        .list();
    return jdbc.sql(
            """
            SELECT count(*) FROM cards WHERE cardholder_id = :cardholder AND program_id = :program
              AND status NOT IN ('terminated', 'failed')
            """)
        .param("cardholder", cardholderId)
        .param("program", programId)
        .query(Long.class)
        .single();
  }

  boolean referenceInUse(Realm realm, String reference) {
    return jdbc.sql(
            """
            SELECT EXISTS (SELECT 1 FROM cards WHERE tenant_id = :tenant AND mode = :mode
                           AND reference = :reference AND status <> 'terminated')
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("reference", reference)
        .query(Boolean.class)
        .single();
  }

  void insert(Realm realm, CardRow row, byte[] panHmac) {
    Card c = row.card();
    Map<String, Object> p = new HashMap<>();
    p.put("id", c.id());
    p.put("tenant", realm.tenantId());
    p.put("mode", realm.mode().wire());
    p.put("program", c.programId());
    p.put("cardholder", c.cardholderId());
    p.put("account", c.accountId());
    p.put("form", c.form().wire());
    p.put("status", c.status().wire());
    p.put("network", c.network());
    p.put("last4", c.last4());
    p.put("expMonth", c.expMonth());
    p.put("expYear", c.expYear());
    p.put("ciphertext", row.panCiphertext());
    p.put("keyId", row.panKeyId());
    p.put("hmac", panHmac);
    p.put("pvv", row.pvv());
    p.put("pvki", row.pvki());
    p.put("activation", row.activationCodeHash());
    p.put("label", c.label());
    p.put("reference", c.reference());
    p.put("metadata", Json.write(c.metadata()));
    p.put("singleUse", c.singleUse());
    p.put("shipping", c.shipping() == null ? null : JSON.writeValueAsString(c.shipping()));
    p.put("replaces", c.replacesCardId());
    p.put("at", Timestamps.sql(c.createdAt()));
    var statement =
        jdbc.sql(
                """
            INSERT INTO cards (id, tenant_id, mode, program_id, cardholder_id, account_id, form,
                status, network, last4, exp_month, exp_year, pan_ciphertext, pan_key_id, pan_hmac,
                pvv, pvki, activation_code_hash, label, reference, metadata, single_use, shipping,
                replaces_card_id, created_at, updated_at)
            VALUES (:id, :tenant, :mode, :program, :cardholder, :account, :form, :status,
                :network, :last4, :expMonth, :expYear, :ciphertext, :keyId, :hmac, :pvv, :pvki,
                :activation, :label, :reference, CAST(:metadata AS jsonb), :singleUse,
                CAST(:shipping AS jsonb), :replaces, :at, :at)
            """)
            .params(p);
    try {
      statement.update();
    } catch (org.springframework.dao.DuplicateKeyException e) {
      if (e.getMessage() != null && e.getMessage().contains("cards_reference")) {
        throw new dev.cardos.shared.Problem(
            dev.cardos.shared.ProblemCode.REFERENCE_TAKEN,
            "Another card already has the reference " + c.reference(),
            java.util.List.of(
                new dev.cardos.shared.Problem.FieldError("reference", "is already used")));
      }
      throw e;
    }
  }

  void updateStatus(String cardId, CardStatus status, String blockReason, Instant at) {
    jdbc.sql(
            """
            UPDATE cards SET status = :status, block_reason = coalesce(:reason, block_reason),
                             updated_at = :at
            WHERE id = :id
            """)
        .param("status", status.wire())
        .param("reason", blockReason)
        .param("at", Timestamps.sql(at))
        .param("id", cardId)
        .update();
  }

  void updateLabelAndMetadata(
      String cardId, String label, Map<String, String> metadata, Instant at) {
    jdbc.sql(
            """
            UPDATE cards SET label = :label, metadata = CAST(:metadata AS jsonb), updated_at = :at
            WHERE id = :id
            """)
        .param("label", label)
        .param("metadata", Json.write(metadata))
        .param("at", Timestamps.sql(at))
        .param("id", cardId)
        .update();
  }

  void updateShipping(String cardId, Card.Shipping shipping, Instant at) {
    jdbc.sql(
            "UPDATE cards SET shipping = CAST(:shipping AS jsonb), updated_at = :at WHERE id = :id")
        .param("shipping", JSON.writeValueAsString(shipping))
        .param("at", Timestamps.sql(at))
        .param("id", cardId)
        .update();
  }

  void updatePin(String cardId, String pvv, int pvki, Instant at) {
    jdbc.sql(
            """
            UPDATE cards SET pvv = :pvv, pvki = :pvki, pin_tries = 0, updated_at = :at
            WHERE id = :id
            """)
        .param("pvv", pvv)
        .param("pvki", pvki)
        .param("at", Timestamps.sql(at))
        .param("id", cardId)
        .update();
  }

  void updatePinTries(String cardId, int tries) {
    jdbc.sql("UPDATE cards SET pin_tries = :tries WHERE id = :id")
        .param("tries", tries)
        .param("id", cardId)
        .update();
  }

  void updatePanKey(String cardId, byte[] ciphertext, String keyId) {
    jdbc.sql("UPDATE cards SET pan_ciphertext = :ciphertext, pan_key_id = :keyId WHERE id = :id")
        .param("ciphertext", ciphertext)
        .param("keyId", keyId)
        .param("id", cardId)
        .update();
  }

  Page<Card> list(Realm realm, Filter filter, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM cards
                WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:cardholder AS text) IS NULL OR cardholder_id = :cardholder)
                  AND (CAST(:status AS text) IS NULL OR status = :status)
                  AND (CAST(:reference AS text) IS NULL OR reference = :reference)
                  AND (CAST(:program AS text) IS NULL OR program_id = :program)
                  AND metadata @> CAST(:metadata AS jsonb)
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("cardholder", filter.cardholderId())
            .param("status", filter.status() == null ? null : filter.status().wire())
            .param("reference", filter.reference())
            .param("program", filter.programId())
            .param("metadata", Json.write(filter.metadata()))
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query((rs, row) -> map(rs, row).card())
            .list(),
        page);
  }

  /** Active or frozen cards whose expiry month has ended before {@code yearMonth}. */
  java.util.List<String[]> expiring(int year, int month, int limit) {
    return jdbc.sql(
            """
            SELECT id, tenant_id, mode FROM cards
            WHERE status IN ('active', 'frozen')
              AND (exp_year < :year OR (exp_year = :year AND exp_month < :month))
            ORDER BY id LIMIT :limit
            """)
        .param("year", year)
        .param("month", month)
        .param("limit", limit)
        .query((rs, row) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
        .list();
  }

  static CardRow map(ResultSet rs, int row) throws SQLException {
    String shippingJson = rs.getString("shipping");
    int pvki = rs.getInt("pvki");
    Integer pvkiValue = rs.wasNull() ? null : pvki;
    String pvv = rs.getString("pvv");
    int tries = rs.getInt("pin_tries");
    Card card =
        new Card(
            rs.getString("id"),
            "live".equals(rs.getString("mode")),
            rs.getString("program_id"),
            rs.getString("cardholder_id"),
            rs.getString("account_id"),
            CardForm.valueOf(rs.getString("form").toUpperCase(Locale.ROOT)),
            CardStatus.fromWire(rs.getString("status")),
            rs.getString("network"),
            rs.getString("last4"),
            rs.getInt("exp_month"),
            rs.getInt("exp_year"),
            rs.getString("label"),
            rs.getString("reference"),
            Json.readStringMap(rs.getString("metadata")),
            rs.getBoolean("single_use"),
            pvv != null,
            tries >= CardSecurityService.PIN_TRIES_MAX,
            shippingJson == null ? null : JSON.readValue(shippingJson, Card.Shipping.class),
            rs.getString("block_reason"),
            rs.getString("replaces_card_id"),
            Timestamps.instant(rs.getTimestamp("created_at")),
            Timestamps.instant(rs.getTimestamp("updated_at")));
    return new CardRow(
        card,
        rs.getBytes("pan_ciphertext"),
        rs.getString("pan_key_id"),
        pvv,
        pvkiValue,
        tries,
        rs.getBytes("activation_code_hash"));
  }
}
