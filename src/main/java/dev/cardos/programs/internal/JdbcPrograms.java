package dev.cardos.programs.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cardos.programs.BinRange;
import dev.cardos.programs.CardForm;
import dev.cardos.programs.Network;
import dev.cardos.programs.Program;
import dev.cardos.programs.ProgramKind;
import dev.cardos.programs.Programs;
import dev.cardos.programs.RevealPolicy;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Sponsors, BIN ranges and programs in PostgreSQL. */
@Repository
class JdbcPrograms implements Programs {

  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final JdbcClient jdbc;

  /**
   * Programs and BIN ranges are never changed once created, so every authorization can take them
   * from memory. Only rows read outside a transaction are kept: one read inside a transaction may
   * be its own uncommitted insert.
   */
  private final Cache<String, Program> programCache =
      Caffeine.newBuilder().maximumSize(10_000).build();

  private final Cache<String, BinRange> binRangeCache =
      Caffeine.newBuilder().maximumSize(10_000).build();

  JdbcPrograms(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** From the cache, else read (and kept when read outside a transaction). */
  private static <T> Optional<T> cached(
      Cache<String, T> cache, String id, java.util.function.Supplier<Optional<T>> read) {
    T hit = cache.getIfPresent(id);
    if (hit != null) {
      return Optional.of(hit);
    }
    Optional<T> found = read.get();
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      found.ifPresent(value -> cache.put(id, value));
    }
    return found;
  }

  record Sponsor(String id, String name, String country, List<String> regions, Instant createdAt) {}

  void insertSponsor(Sponsor s) {
    jdbc.sql(
            """
            INSERT INTO sponsors (id, name, country, regions, created_at)
            VALUES (:id, :name, :country, string_to_array(:regions, ','), :at)
            """)
        .param("id", s.id())
        .param("name", s.name())
        .param("country", s.country())
        .param("regions", String.join(",", s.regions()))
        .param("at", Timestamps.sql(s.createdAt()))
        .update();
  }

  Optional<Sponsor> sponsor(String id) {
    return jdbc.sql("SELECT * FROM sponsors WHERE id = :id")
        .param("id", id)
        .query(
            (rs, row) ->
                new Sponsor(
                    rs.getString("id"),
                    rs.getString("name"),
                    rs.getString("country"),
                    array(rs, "regions"),
                    Timestamps.instant(rs.getTimestamp("created_at"))))
        .optional();
  }

  /** Inserts the BIN range; false when the BIN is already recorded. */
  boolean insertBinRange(BinRange b) {
    return jdbc.sql(
                """
                INSERT INTO bin_ranges (id, bin, network, sponsor_id, country, pan_length,
                    currencies, forms, features, cvk_key_id, pvk_key_id, pin_key_id,
                    pin_aes_key_id, created_at)
                VALUES (:id, :bin, :network, :sponsor, :country, :panLength,
                    string_to_array(:currencies, ','), string_to_array(:forms, ','),
                    string_to_array(:features, ','), :cvk, :pvk, :pin, :pinAes, :at)
                ON CONFLICT (bin) DO NOTHING
                """)
            .param("id", b.id())
            .param("bin", b.bin())
            .param("network", b.network().wire())
            .param("sponsor", b.sponsorId())
            .param("country", b.country())
            .param("panLength", b.panLength())
            .param("currencies", String.join(",", b.currencies()))
            .param("forms", String.join(",", b.forms().stream().map(CardForm::wire).toList()))
            .param("features", String.join(",", b.features()))
            .param("cvk", b.cvkKeyId())
            .param("pvk", b.pvkKeyId())
            .param("pin", b.pinKeyId())
            .param("pinAes", b.pinAesKeyId())
            .param("at", Timestamps.sql(b.createdAt()))
            .update()
        == 1;
  }

  @Override
  public Optional<BinRange> binRange(String id) {
    return cached(
        binRangeCache,
        id,
        () ->
            jdbc.sql("SELECT * FROM bin_ranges WHERE id = :id")
                .param("id", id)
                .query(JdbcPrograms::binRange)
                .optional());
  }

  void insertProgram(Program p) {
    jdbc.sql(
            """
            INSERT INTO programs (id, tenant_id, name, bin_range_id, kind, currency, markets,
                default_controls, issuance_fee_virtual, issuance_fee_physical, fx_markup_bps,
                validity_months, max_cards_per_cardholder, reveal_policy, renew_on_expiry,
                hold_expiry_days, time_zone, webhook_url, webhook_budget_ms, webhook_stand_in,
                status, created_at, webhook_secret_key_id, dispute_window_days,
                provisional_credit)
            VALUES (:id, :tenant, :name, :bin, :kind, :currency, string_to_array(:markets, ','),
                CAST(:controls AS jsonb), :feeVirtual, :feePhysical, :markup, :validity, :maxCards,
                :reveal, :renew, :holdDays, :tz, :url, :budget, :standIn, :status, :at, :secret, :disputeDays,
                :provisional)
            """)
        .param("id", p.id())
        .param("tenant", p.tenantId())
        .param("name", p.name())
        .param("bin", p.binRangeId())
        .param("kind", p.kind().wire())
        .param("currency", p.currency())
        .param("markets", String.join(",", p.markets()))
        .param("controls", JSON.writeValueAsString(p.defaultControls()))
        .param("feeVirtual", p.issuanceFeeVirtual())
        .param("feePhysical", p.issuanceFeePhysical())
        .param("markup", p.fxMarkupBps())
        .param("validity", p.validityMonths())
        .param("maxCards", p.maxCardsPerCardholder())
        .param("reveal", p.revealPolicy().wire())
        .param("renew", p.renewOnExpiry())
        .param("holdDays", p.holdExpiryDays())
        .param("tz", p.timeZone())
        .param("url", p.webhookUrl())
        .param("budget", p.webhookBudgetMs())
        .param("standIn", p.webhookStandIn())
        .param("status", p.status())
        .param("at", Timestamps.sql(p.createdAt()))
        .param("secret", p.webhookSecretKeyId())
        .param("disputeDays", p.disputeWindowDays())
        .param("provisional", p.provisionalCredit())
        .update();
  }

  @Override
  public Optional<Program> find(String tenantId, String programId) {
    return cached(
            programCache,
            programId,
            () ->
                jdbc.sql("SELECT * FROM programs WHERE id = :id")
                    .param("id", programId)
                    .query(JdbcPrograms::program)
                    .optional())
        .filter(p -> p.tenantId().equals(tenantId));
  }

  Page<Program> list(String tenantId, boolean enabledOnly, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM programs
                WHERE (CAST(:tenant AS text) IS NULL OR tenant_id = :tenant)
                  AND (NOT :enabledOnly OR status = 'enabled')
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", tenantId)
            .param("enabledOnly", enabledOnly)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(JdbcPrograms::program)
            .list(),
        page);
  }

  private static BinRange binRange(ResultSet rs, int row) throws SQLException {
    return new BinRange(
        rs.getString("id"),
        rs.getString("bin"),
        Network.valueOf(rs.getString("network").toUpperCase(Locale.ROOT)),
        rs.getString("sponsor_id"),
        rs.getString("country"),
        rs.getInt("pan_length"),
        array(rs, "currencies"),
        array(rs, "forms").stream().map(f -> CardForm.valueOf(f.toUpperCase(Locale.ROOT))).toList(),
        array(rs, "features"),
        rs.getString("cvk_key_id"),
        rs.getString("pvk_key_id"),
        rs.getString("pin_key_id"),
        rs.getString("pin_aes_key_id"),
        Timestamps.instant(rs.getTimestamp("created_at")));
  }

  private static Program program(ResultSet rs, int row) throws SQLException {
    int maxCards = rs.getInt("max_cards_per_cardholder");
    Integer maxCardsPerCardholder = rs.wasNull() ? null : maxCards;
    return new Program(
        rs.getString("id"),
        rs.getString("tenant_id"),
        rs.getString("name"),
        rs.getString("bin_range_id"),
        ProgramKind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
        rs.getString("currency"),
        array(rs, "markets"),
        JSON.readValue(rs.getString("default_controls"), OBJECT),
        rs.getLong("issuance_fee_virtual"),
        rs.getLong("issuance_fee_physical"),
        rs.getInt("fx_markup_bps"),
        rs.getInt("validity_months"),
        maxCardsPerCardholder,
        RevealPolicy.valueOf(rs.getString("reveal_policy").toUpperCase(Locale.ROOT)),
        rs.getBoolean("renew_on_expiry"),
        rs.getInt("hold_expiry_days"),
        rs.getString("time_zone"),
        rs.getString("webhook_url"),
        rs.getInt("webhook_budget_ms"),
        rs.getString("webhook_stand_in"),
        rs.getString("status"),
        Timestamps.instant(rs.getTimestamp("created_at")),
        rs.getString("webhook_secret_key_id"),
        rs.getInt("dispute_window_days"),
        rs.getBoolean("provisional_credit"));
  }

  private static List<String> array(ResultSet rs, String column) throws SQLException {
    return Arrays.asList((String[]) rs.getArray(column).getArray());
  }
}
