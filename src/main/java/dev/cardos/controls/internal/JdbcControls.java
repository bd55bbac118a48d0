package dev.cardos.controls.internal;

import dev.cardos.controls.Controls;
import dev.cardos.controls.SpendControls;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Controls and usage counters in PostgreSQL. */
@Repository
class JdbcControls implements Controls {

  private final JdbcClient jdbc;
  private final Clock clock;

  JdbcControls(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Override
  public Optional<SpendControls> find(Realm realm, String subjectId) {
    return jdbc.sql(
            """
            SELECT controls FROM spend_controls
            WHERE tenant_id = :tenant AND mode = :mode AND subject_id = :subject
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("subject", subjectId)
        .query(String.class)
        .optional()
        .map(json -> ControlValidation.JSON.readValue(json, SpendControls.class));
  }

  @Override
  public SpendControls put(Realm realm, String subjectId, SpendControls controls) {
    SpendControls valid = ControlValidation.validated(controls, "controls");
    jdbc.sql(
            """
            INSERT INTO spend_controls (subject_id, tenant_id, mode, controls, updated_at)
            VALUES (:subject, :tenant, :mode, CAST(:controls AS jsonb), :at)
            ON CONFLICT (subject_id) DO UPDATE SET controls = EXCLUDED.controls,
                                                   updated_at = EXCLUDED.updated_at
            """)
        .param("subject", subjectId)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("controls", ControlValidation.JSON.writeValueAsString(valid))
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .update();
    return valid;
  }

  @Override
  public void copy(Realm realm, String fromSubjectId, String toSubjectId) {
    find(realm, fromSubjectId).ifPresent(c -> put(realm, toSubjectId, c));
  }

  @Override
  public Map<String, Used> usage(String subjectId, List<String> windowKeys) {
    Map<String, Used> used = new HashMap<>();
    if (windowKeys.isEmpty()) {
      return used;
    }
    jdbc.sql(
            """
            SELECT window_key, amount, count FROM spend_usage
            WHERE subject_id = :subject AND window_key IN (:windows)
            """)
        .param("subject", subjectId)
        .param("windows", windowKeys)
        .query((rs, row) -> used.put(rs.getString(1), new Used(rs.getLong(2), rs.getLong(3))))
        .list();
    return used;
  }

  @Override
  public Optional<Charge> consume(String subjectId, List<Charge> charges) {
    for (Charge charge :
        charges.stream().sorted(java.util.Comparator.comparing(Charge::windowKey)).toList()) {
      if ((charge.amountLimit() != null && charge.amount() > charge.amountLimit())
          || (charge.countLimit() != null && charge.countLimit() < 1)) {
        return Optional.of(charge);
      }
      // One statement per window: the row lock makes check and add atomic, so concurrent
      // authorizations can never together pass a limit.
      int changed =
          jdbc.sql(
                  """
                  INSERT INTO spend_usage (subject_id, window_key, amount, count)
                  VALUES (:subject, :window, :amount, 1)
                  ON CONFLICT (subject_id, window_key) DO UPDATE
                  SET amount = spend_usage.amount + EXCLUDED.amount,
                      count = spend_usage.count + 1
                  WHERE (CAST(:amountLimit AS bigint) IS NULL
                         OR spend_usage.amount + EXCLUDED.amount <= :amountLimit)
                    AND (CAST(:countLimit AS bigint) IS NULL OR spend_usage.count + 1 <= :countLimit)
                  """)
              .param("subject", subjectId)
              .param("window", charge.windowKey())
              .param("amount", charge.amount())
              .param("amountLimit", charge.amountLimit())
              .param("countLimit", charge.countLimit())
              .update();
      if (changed == 0) {
        return Optional.of(charge);
      }
    }
    return Optional.empty();
  }

  @Override
  public void release(String subjectId, List<String> windowKeys, long amount) {
    if (windowKeys.isEmpty()) {
      return;
    }
    jdbc.sql(
            """
            UPDATE spend_usage SET amount = greatest(0, amount - :amount)
            WHERE subject_id = :subject AND window_key IN (:windows)
            """)
        .param("amount", amount)
        .param("subject", subjectId)
        .param("windows", windowKeys)
        .update();
  }
}
