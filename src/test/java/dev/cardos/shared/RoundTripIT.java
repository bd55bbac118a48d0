package dev.cardos.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cardos.testing.ServerTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Queries of several modules run together: each gets its own rows, mapped its own way, with its own
 * named parameters (lists expanded, nulls and timestamps bound), all in one implicit transaction on
 * the database, which is what one round trip gives.
 */
@ServerTest
class RoundTripIT {

  @Autowired RoundTrip roundTrip;
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate transactions;

  private static RoundTrip.Statement<List<String>> windows(String subject, List<String> keys) {
    return RoundTrip.Statement.query(
        """
        SELECT window_key FROM spend_usage
        WHERE subject_id = :subject AND window_key IN (:keys) ORDER BY window_key
        """,
        Map.of("subject", subject, "keys", keys),
        rows -> {
          List<String> found = new ArrayList<>();
          while (rows.next()) {
            found.add(rows.getString(1));
          }
          return found;
        });
  }

  private static RoundTrip.Statement<Instant> transactionStart() {
    return RoundTrip.Statement.query(
        "SELECT now(), pg_sleep(0.02)",
        Map.of(),
        rows -> rows.next() ? rows.getTimestamp(1).toInstant() : null);
  }

  private void usage(String subject, String window, long amount) {
    jdbc.sql(
            "INSERT INTO spend_usage (subject_id, window_key, amount, count) VALUES (:s, :w, :a, 1)")
        .param("s", subject)
        .param("w", window)
        .param("a", amount)
        .update();
  }

  @Test
  void eachReadGetsItsOwnRowsWithItsOwnParameters() {
    String a = "reads-" + UUID.randomUUID();
    String b = "reads-" + UUID.randomUUID();
    usage(a, "d:1", 5);
    usage(a, "d:2", 7);
    usage(a, "d:3", 9);
    usage(b, "d:1", 11);
    Map<String, Object> nullable = new HashMap<>();
    nullable.put("subject", b);
    nullable.put("missing", null);
    nullable.put("since", Timestamp.from(Instant.parse("2020-01-01T00:00:00Z")));
    RoundTrip.Statement<Long> sum =
        RoundTrip.Statement.query(
            """
            SELECT coalesce(sum(amount), 0) FROM spend_usage
            WHERE subject_id = :subject
              AND (CAST(:missing AS text) IS NULL OR window_key = :missing)
              AND CAST(:since AS timestamptz) < now()
            """,
            nullable,
            rows -> rows.next() ? rows.getLong(1) : null);
    RoundTrip.Statement<List<String>> ofA = windows(a, List.of("d:1", "d:3", "d:9"));
    RoundTrip.Statement<List<String>> none = windows(a, List.of("d:8"));

    roundTrip.run(List.of(ofA, sum, none));

    assertThat(ofA.result()).containsExactly("d:1", "d:3");
    assertThat(sum.result()).isEqualTo(11L);
    assertThat(none.result()).isEmpty();
    assertThat(roundTrip.one(windows(b, List.of("d:1")))).containsExactly("d:1");
  }

  @Test
  void readsTogetherShareOneTransactionAndReadsApartDoNot() {
    RoundTrip.Statement<Instant> first = transactionStart();
    RoundTrip.Statement<Instant> second = transactionStart();
    roundTrip.run(List.of(first, second));
    // now() is the transaction's start: equal across the two, though 20 ms passed between them.
    assertThat(second.result()).isEqualTo(first.result());

    Instant apart = roundTrip.one(transactionStart());
    assertThat(roundTrip.one(transactionStart())).isAfter(apart);
  }

  @Test
  void insideATransactionTheReadsSeeItsWrites() {
    String subject = "reads-" + UUID.randomUUID();
    List<String> seen =
        transactions.execute(
            status -> {
              usage(subject, "w:1", 1);
              List<String> found = roundTrip.one(windows(subject, List.of("w:1")));
              status.setRollbackOnly();
              return found;
            });
    assertThat(seen).containsExactly("w:1");
    assertThat(roundTrip.one(windows(subject, List.of("w:1")))).isEmpty();
  }

  @Test
  void aReadIsOneStatementAndHasAResultOnlyOnceItRan() {
    assertThatThrownBy(
            () -> RoundTrip.Statement.query("SELECT 1; SELECT 2", Map.of(), rows -> rows.next()))
        .isInstanceOf(IllegalArgumentException.class);
    RoundTrip.Statement<List<String>> notRun = windows("x", List.of("y"));
    assertThatThrownBy(notRun::result).isInstanceOf(IllegalStateException.class);
  }
}
