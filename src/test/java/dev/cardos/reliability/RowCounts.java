package dev.cardos.reliability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The number of rows of every table, to prove a refused request wrote nothing. The audit log is
 * left out (every refused write is audited, by design), and so are webhook attempts, which the
 * dispatcher appends on its own schedule.
 */
final class RowCounts {

  private static final Set<String> MOVING = Set.of("audit_log", "webhook_attempts");

  private RowCounts() {}

  static Map<String, Long> of(JdbcClient jdbc) {
    List<String> tables =
        jdbc.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            .query(String.class)
            .list();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : tables) {
      if (!MOVING.contains(table)) {
        counts.put(
            table, jdbc.sql("SELECT count(*) FROM \"" + table + "\"").query(Long.class).single());
      }
    }
    return counts;
  }
}
