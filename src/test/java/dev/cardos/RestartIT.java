package dev.cardos;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * Stops and starts the whole application on one durable data directory, as an operator upgrading or
 * rebooting a host would: what was committed before the stop is there after it.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestartIT {

  private static final Pattern OPERATOR_KEY_PRINTED = Pattern.compile("\\bop_[A-Za-z0-9]{40}\\b");

  private final Path dataDir = Path.of("target", "restart-it", UUID.randomUUID().toString());

  @AfterEach
  void deleteDataDirectory() throws IOException {
    FileSystemUtils.deleteRecursively(dataDir);
  }

  /**
   * Starts CardOS on the data directory. The settings are given as command-line arguments, not as
   * {@code SpringApplicationBuilder.properties(...)}: those are default properties, the weakest
   * source, so application.yaml's {@code server.port: ${CARDOS_PORT:8080}} and friends would win.
   */
  private ConfigurableApplicationContext start(String operatorKey) {
    return new SpringApplicationBuilder(CardosApplication.class)
        .run(
            "--server.port=0",
            "--cardos.db.data-dir=" + dataDir,
            "--cardos.db.durable=true",
            "--cardos.tenancy.operator-key=" + operatorKey);
  }

  private static TestApi api(ConfigurableApplicationContext context) {
    return new TestApi(
        Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port")));
  }

  /** One applied migration as Flyway recorded it. */
  private record AppliedMigration(String version, Integer checksum, String installedOn) {}

  private static List<AppliedMigration> migrationHistory(ConfigurableApplicationContext context) {
    return context
        .getBean(JdbcClient.class)
        .sql(
            """
            SELECT version, checksum, CAST(installed_on AS text) AS installed_on
            FROM flyway_schema_history ORDER BY installed_rank
            """)
        .query(AppliedMigration.class)
        .list();
  }

  @Test
  void aTenantKeyAndCardholderCreatedBeforeARestartAreUnchangedAfterIt() {
    String tenantId;
    String secret;
    JsonNode created;
    List<AppliedMigration> historyBefore;
    try (ConfigurableApplicationContext first = start(OPERATOR_KEY)) {
      TestApi api = api(first);
      tenantId = api.createTenant("Restart Co");
      secret = api.createKey(tenantId, "test", "cards:read", "cards:write").text("secret");
      created =
          expect(api.post("/v1/cardholders", secret, TestApi.cardholderJson("restart-1")), 201)
              .body();
      historyBefore = migrationHistory(first);
      String fsync = first.getBean(JdbcClient.class).sql("SHOW fsync").query(String.class).single();
      assertThat(fsync).isEqualTo("on");
    }

    try (ConfigurableApplicationContext second = start(OPERATOR_KEY)) {
      TestApi api = api(second);
      String id = created.get("id").asString();

      Response fetched = expect(api.get("/v1/cardholders/" + id, secret), 200);
      assertThat(fetched.body()).isEqualTo(created);
      Response listed = expect(api.get("/v1/cardholders?reference=restart-1", secret), 200);
      assertThat(listed.body().get("data")).containsExactly(created);
      expect(api.get("/v1/admin/tenants/" + tenantId, OPERATOR_KEY), 200);

      assertThat(migrationHistory(second)).isNotEmpty().isEqualTo(historyBefore);
      MigrationInfo[] migrations = second.getBean(Flyway.class).info().all();
      assertThat(migrations)
          .isNotEmpty()
          .allSatisfy(m -> assertThat(m.getState()).isEqualTo(MigrationState.SUCCESS));
      assertThat(
              second
                  .getBean(JdbcClient.class)
                  .sql("SELECT count(*) FROM api_keys WHERE tenant_id IS NULL")
                  .query(Integer.class)
                  .single())
          .as("the configured operator key is registered once, not once per start")
          .isEqualTo(1);
    }
  }

  private static List<String> printedOperatorKeys(String output) {
    List<String> keys = new ArrayList<>();
    Matcher matcher = OPERATOR_KEY_PRINTED.matcher(output);
    while (matcher.find()) {
      keys.add(matcher.group());
    }
    return keys;
  }

  @Test
  void withoutAConfiguredKeyTheFirstStartPrintsAnOperatorKeyOnceAndLaterStartsPrintNone(
      CapturedOutput output) {
    String operatorKey;
    String tenantId;
    try (ConfigurableApplicationContext first = start("")) {
      List<String> printed = printedOperatorKeys(output.getOut());
      assertThat(printed).hasSize(1);
      operatorKey = printed.getFirst();

      TestApi api = api(first);
      expect(api.get("/v1/admin/tenants", operatorKey), 200);
      tenantId =
          expect(api.post("/v1/admin/tenants", operatorKey, "{\"name\": \"Generated\"}"), 201).id();
      expect(api.get("/v1/admin/tenants", OPERATOR_KEY), 401);
    }
    int printedBeforeSecondStart = output.getOut().length();

    try (ConfigurableApplicationContext second = start("")) {
      assertThat(printedOperatorKeys(output.getOut().substring(printedBeforeSecondStart)))
          .isEmpty();
      assertThat(output.getOut().substring(printedBeforeSecondStart))
          .doesNotContain("CardOS operator key");

      Response tenant = expect(api(second).get("/v1/admin/tenants/" + tenantId, operatorKey), 200);
      assertThat(tenant.text("name")).isEqualTo("Generated");
    }
  }
}
