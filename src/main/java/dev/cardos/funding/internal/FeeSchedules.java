package dev.cardos.funding.internal;

import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Each realm's fee rules, replaced as a whole. */
@Repository
class FeeSchedules {

  private static final TypeReference<List<FeeRule>> RULES = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;

  FeeSchedules(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
    // Its own mapper: the stored form is ours, and the API's strict reading (no string for a
    // number) would refuse the percent it writes as a string.
    this.json =
        JsonMapper.builder()
            .propertyNamingStrategy(tools.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .build();
  }

  List<FeeRule> rules(Realm realm) {
    return jdbc.sql("SELECT rules FROM fee_schedules WHERE tenant_id = :tenant AND mode = :mode")
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .query(String.class)
        .optional()
        .map(text -> json.readValue(text, RULES))
        .orElse(List.of());
  }

  void replace(Realm realm, List<FeeRule> rules) {
    jdbc.sql(
            """
            INSERT INTO fee_schedules (tenant_id, mode, rules, updated_at)
            VALUES (:tenant, :mode, CAST(:rules AS jsonb), :at)
            ON CONFLICT (tenant_id, mode) DO UPDATE SET rules = EXCLUDED.rules,
                                                        updated_at = EXCLUDED.updated_at
            """)
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("rules", json.writeValueAsString(rules))
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .update();
  }

  /** The deposit rule for this currency: one for the rail if there is, else one for any rail. */
  Optional<FeeRule> depositRule(Realm realm, String currency, FeeRule.Rail rail) {
    return rules(realm).stream()
        .filter(r -> r.kind() == FeeRule.Kind.DEPOSIT && currency.equals(r.currency()))
        .filter(r -> r.rail() == null || r.rail() == rail)
        .min(Comparator.comparing(r -> r.rail() == null ? 1 : 0));
  }

  Optional<FeeRule> transferRule(Realm realm, String currency) {
    return rules(realm).stream()
        .filter(r -> r.kind() == FeeRule.Kind.TRANSFER && currency.equals(r.currency()))
        .findFirst();
  }

  int fxMarkupBps(Realm realm) {
    return rules(realm).stream()
        .filter(r -> r.kind() == FeeRule.Kind.FX_MARKUP)
        .map(FeeRule::markupBps)
        .findFirst()
        .orElse(0);
  }
}
