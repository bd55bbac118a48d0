package dev.cardos;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.TestApi;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * With CARDOS_DB_URL set, CardOS uses that PostgreSQL and never starts its embedded one. The
 * "external" server here is a separately started PostgreSQL the test owns.
 */
class ExternalDatabaseIT {

  @Test
  void usesTheConfiguredDatabaseAndStartsNoEmbeddedOne() throws Exception {
    Path unusedDataDir = Path.of("target/external-db-it", UUID.randomUUID().toString());
    try (EmbeddedPostgres external = EmbeddedPostgres.builder().start();
        ConfigurableApplicationContext app =
            new SpringApplicationBuilder(CardosApplication.class)
                // Command-line arguments: they outrank application.yaml, as the environment does.
                .run(
                    "--server.port=0",
                    "--cardos.db.url=jdbc:postgresql://localhost:"
                        + external.getPort()
                        + "/postgres",
                    "--cardos.db.user=postgres",
                    "--cardos.db.data-dir=" + unusedDataDir,
                    "--cardos.tenancy.operator-key=" + TestApi.OPERATOR_KEY)) {
      TestApi api =
          new TestApi(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
      String tenantId = api.createTenant("External Co");

      long rows =
          JdbcClient.create(external.getPostgresDatabase())
              .sql("SELECT count(*) FROM tenants WHERE id = :id")
              .param("id", tenantId)
              .query(Long.class)
              .single();
      assertThat(rows).isEqualTo(1);
      // The data directory may hold the development master key, but no database files.
      assertThat(Files.exists(unusedDataDir.resolve("postgres"))).isFalse();
      expect(api.get("/v1/admin/tenants/" + tenantId, TestApi.OPERATOR_KEY), 200);
    }
  }
}
