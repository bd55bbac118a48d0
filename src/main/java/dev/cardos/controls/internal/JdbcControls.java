package dev.cardos.controls.internal;

import dev.cardos.controls.Controls;
import dev.cardos.controls.SpendControls;
import dev.cardos.shared.RoundTrip;
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
  private final RoundTrip roundTrip;
  private final Clock clock;

  JdbcControls(JdbcClient jdbc, RoundTrip roundTrip, Clock clock) {
    this.jdbc = jdbc;
    this.roundTrip = roundTrip;
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
  public RoundTrip.Statement<Map<String, Snapshot>> snapshotRead(
      Realm realm, List<String> subjectIds, List<String> windowKeys) {
    if (subjectIds.isEmpty()) {
      throw new IllegalArgumentException("A snapshot names at least one subject");
    }
    // Both tables in one statement: a controls row has no window; a usage row no controls.
    return RoundTrip.Statement.query(
        """
        SELECT subject_id, controls, NULL AS window_key, 0 AS amount, 0 AS count
        FROM spend_controls
        WHERE tenant_id = :tenant AND mode = :mode AND subject_id IN (:subjects)
        UNION ALL
        SELECT subject_id, NULL, window_key, amount, count
        FROM spend_usage
        WHERE subject_id IN (:subjects) AND window_key IN (:windows)
        """,
        Map.of(
            "tenant",
            realm.tenantId(),
            "mode",
            realm.mode().wire(),
            "subjects",
            subjectIds,
            "windows",
            windowKeys.isEmpty() ? List.of("") : windowKeys),
        rows -> {
          Map<String, SpendControls> controls = new HashMap<>();
          Map<String, Map<String, Used>> usage = new HashMap<>();
          while (rows.next()) {
            String subject = rows.getString(1);
            String json = rows.getString(2);
            if (json != null) {
              controls.put(subject, ControlValidation.JSON.readValue(json, SpendControls.class));
            } else {
              usage
                  .computeIfAbsent(subject, k -> new HashMap<>())
                  .put(rows.getString(3), new Used(rows.getLong(4), rows.getLong(5)));
            }
          }
          Map<String, Snapshot> out = new HashMap<>();
          for (String subject : subjectIds) {
            out.put(
                subject,
                new Snapshot(
                    controls.getOrDefault(subject, SpendControls.NONE),
                    usage.getOrDefault(subject, Map.of())));
          }
          return out;
        });
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
  public Optional<Exceeded> consume(String subjectId, List<Charge> charges) {
    return consumeAll(List.of(new Consumption(subjectId, charges))).map(Refusal::exceeded);
  }

  @Override
  public Optional<Exceeded> consumeAmount(String subjectId, List<Charge> charges) {
    return consume(List.of(new Consumption(subjectId, charges)), 0).map(Refusal::exceeded);
  }

  @Override
  public Optional<Refusal> consumeAll(List<Consumption> consumptions) {
    return consume(consumptions, 1);
  }

  /** Adds each charge's amount, and {@code transactions} to each window's count. */
  private Optional<Refusal> consume(List<Consumption> consumptions, int transactions) {
    List<String> subjects = new java.util.ArrayList<>();
    List<Charge> charges = new java.util.ArrayList<>();
    for (Consumption c : consumptions) {
      c.charges().stream()
          .sorted(java.util.Comparator.comparing(Charge::windowKey))
          .forEach(
              charge -> {
                subjects.add(c.subjectId());
                charges.add(charge);
              });
    }
    if (charges.isEmpty()) {
      return Optional.empty();
    }
    // One statement for every window of every subject, rows taken in the order given (as every
    // caller does): the row locks serialise concurrent charges, and RETURNING gives each window's
    // total after this one.
    Map<List<String>, Used> after = new HashMap<>();
    jdbc.sql(
            """
            INSERT INTO spend_usage (subject_id, window_key, amount, count)
            SELECT w.subject, w.key, w.amount, CAST(? AS integer)
            FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]))
                 WITH ORDINALITY AS w(subject, key, amount, n)
            ORDER BY w.n
            ON CONFLICT (subject_id, window_key) DO UPDATE
            SET amount = spend_usage.amount + EXCLUDED.amount,
                count = spend_usage.count + EXCLUDED.count
            RETURNING subject_id, window_key, amount, count
            """)
        .params(
            transactions,
            subjects.toArray(String[]::new),
            charges.stream().map(Charge::windowKey).toArray(String[]::new),
            charges.stream().map(Charge::amount).toArray(Long[]::new))
        .query(
            (rs, row) ->
                after.put(
                    List.of(rs.getString(1), rs.getString(2)),
                    new Used(rs.getLong(3), rs.getLong(4))))
        .list();
    for (int i = 0; i < charges.size(); i++) {
      Charge charge = charges.get(i);
      Used total = after.get(List.of(subjects.get(i), charge.windowKey()));
      boolean amountOver = charge.amountLimit() != null && total.amount() > charge.amountLimit();
      boolean countOver = charge.countLimit() != null && total.count() > charge.countLimit();
      if (amountOver || countOver) {
        return Optional.of(
            new Refusal(
                subjects.get(i),
                new Exceeded(
                    charge,
                    new Used(
                        Math.subtractExact(total.amount(), charge.amount()),
                        total.count() - transactions))));
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
