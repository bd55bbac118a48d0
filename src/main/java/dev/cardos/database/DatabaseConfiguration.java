package dev.cardos.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Builds the one {@link DataSource}: external when configured, else embedded. The embedded database
 * is started with {@code fsync} and {@code synchronous_commit} on, because the embedded library
 * turns both off by default and a ledger that loses committed postings on a crash is not a ledger.
 * Only tests ask for the fast, non-durable mode.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

  private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

  @Bean(destroyMethod = "close")
  HikariDataSource dataSource(DatabaseProperties properties) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("cardos");
    config.setMaximumPoolSize(properties.poolSize());
    if (properties.external()) {
      config.setJdbcUrl(properties.url());
      config.setUsername(properties.user());
      config.setPassword(properties.password());
      log.info("Using external PostgreSQL (CARDOS_DB_URL)");
      return new HikariDataSource(config);
    }
    EmbeddedPostgres postgres = startEmbedded(properties);
    config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    config.setUsername("postgres");
    return new EmbeddedBackedDataSource(config, postgres);
  }

  private static EmbeddedPostgres startEmbedded(DatabaseProperties properties) {
    Path dir = properties.dataDir().resolve("postgres").toAbsolutePath();
    String onOff = properties.durable() ? "on" : "off";
    try {
      Files.createDirectories(dir);
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(properties.embeddedPort())
              .setServerConfig("fsync", onOff)
              .setServerConfig("synchronous_commit", onOff)
              .setServerConfig("full_page_writes", onOff)
              .setServerConfig("max_connections", "200")
              .start();
      verifyDurability(postgres, onOff);
      log.info(
          "Embedded PostgreSQL on port {} with data in {} (durable: {})",
          postgres.getPort(),
          dir,
          properties.durable());
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dir, e);
    }
  }

  /** Fails fast when the server did not take the durability settings we asked for. */
  private static void verifyDurability(EmbeddedPostgres postgres, String expected) {
    JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());
    for (String setting : new String[] {"fsync", "synchronous_commit"}) {
      String actual = jdbc.sql("SHOW " + setting).query(String.class).single();
      if (!expected.equals(actual)) {
        throw new IllegalStateException(
            "Embedded PostgreSQL has " + setting + "=" + actual + ", expected " + expected);
      }
    }
  }

  /** A pool that stops the embedded server after its last connection closes. */
  static final class EmbeddedBackedDataSource extends HikariDataSource {
    private final EmbeddedPostgres postgres;

    EmbeddedBackedDataSource(HikariConfig config, EmbeddedPostgres postgres) {
      super(config);
      this.postgres = postgres;
    }

    @Override
    public void close() {
      super.close();
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Bean
  JdbcClient jdbcClient(DataSource dataSource) {
    return JdbcClient.create(dataSource);
  }
}
