package dev.cardos.cardholders.internal;

import dev.cardos.cardholders.CardholderSearch;
import dev.cardos.tenancy.Realm;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@link CardholderSearch} in PostgreSQL, always within the realm. */
@Repository
class JdbcCardholderSearch implements CardholderSearch {

  private static final int LIMIT_MAX = 500;

  private final JdbcClient jdbc;

  JdbcCardholderSearch(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<String> idsMatching(Realm realm, String text, int limitMax) {
    String needle = text.strip();
    String like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    return jdbc.sql(
            """
            SELECT id FROM cardholders
            WHERE tenant_id = :tenant AND mode = :mode
              AND (id = :text OR reference = :text OR lower(email) = lower(:text)
                   OR (first_name || ' ' || last_name) ILIKE :like)
            ORDER BY id DESC LIMIT :n
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("text", needle)
        .param("like", like)
        .param("n", Math.clamp(limitMax, 1, LIMIT_MAX))
        .query(String.class)
        .list();
  }
}
