package dev.cardos.funding.internal;

import dev.cardos.shared.Ids;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Timestamps;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Operator-set exchange rates; the newest rate for a pair is the one in force. */
@Repository
class FxRates {

  /** Units of {@code quote} per unit of {@code base}. */
  record FxRate(String id, String base, String quote, BigDecimal rate, Instant createdAt) {}

  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;

  FxRates(JdbcClient jdbc, Ids ids, Clock clock) {
    this.jdbc = jdbc;
    this.ids = ids;
    this.clock = clock;
  }

  FxRate insert(String base, String quote, BigDecimal rate) {
    FxRate fx = new FxRate(ids.next("fx_"), base, quote, rate, Timestamps.now(clock));
    jdbc.sql(
            """
            INSERT INTO fx_rates (id, base, quote, rate, created_at)
            VALUES (:id, :base, :quote, :rate, :at)
            """)
        .param("id", fx.id())
        .param("base", base)
        .param("quote", quote)
        .param("rate", rate)
        .param("at", Timestamps.sql(fx.createdAt()))
        .update();
    return fx;
  }

  Optional<FxRate> current(String base, String quote) {
    return jdbc.sql(
            """
            SELECT * FROM fx_rates WHERE base = :base AND quote = :quote
            ORDER BY id DESC LIMIT 1
            """)
        .param("base", base)
        .param("quote", quote)
        .query(FxRates::map)
        .optional();
  }

  Page<FxRate> list(PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM fx_rates WHERE (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(FxRates::map)
            .list(),
        page);
  }

  private static FxRate map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    return new FxRate(
        rs.getString("id"),
        rs.getString("base"),
        rs.getString("quote"),
        rs.getBigDecimal("rate").stripTrailingZeros(),
        Timestamps.instant(rs.getTimestamp("created_at")));
  }
}
