package dev.cardos.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(60);

  @Bean(destroyMethod = "close")
  HikariDataSource dataSource(DatabaseProperties properties) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("cardos");
    config.setMaximumPoolSize(properties.poolSize());
    config.setConnectionTimeout(properties.connectionTimeout().toMillis());
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
    try {
      Files.createDirectories(dir);
      stopOrphanedServer(dir);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(properties.embeddedPort());
      EmbeddedServer.settings(properties.durable()).forEach(builder::setServerConfig);
      EmbeddedPostgres postgres = builder.start();
      EmbeddedServer.verify(postgres, properties.durable());
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

  /**
   * Stops a PostgreSQL that a killed CardOS left running on this data directory. The embedded
   * server is a separate process: when the JVM that started it dies by SIGKILL (an OOM killer, a
   * container runtime, a power-cycled supervisor), its shutdown hook never runs and the server
   * keeps the directory locked, so the next start would fail. The embedded library holds {@code
   * epg-lock} for as long as its JVM lives; if this process can take that lock, no live CardOS owns
   * the server, and it is asked to shut down (SIGTERM: a smart shutdown, whose wait for clients is
   * over at once because the dead JVM's connections are gone). Only a live process whose command is
   * {@code postgres} and whose arguments name this directory is touched.
   */
  static void stopOrphanedServer(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    try (FileChannel channel =
            FileChannel.open(
                dir.resolve("epg-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        return; // a live CardOS holds the server; starting will say so
      }
      Optional<ProcessHandle> server = postmaster(pidFile, dir);
      if (server.isEmpty()) {
        return; // a stale pid file: PostgreSQL itself replaces it
      }
      log.warn(
          "A PostgreSQL (pid {}) left running by an earlier CardOS holds {}; stopping it",
          server.get().pid(),
          dir);
      server.get().destroy();
      try {
        server.get().onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "The PostgreSQL (pid "
                + server.get().pid()
                + ") left running on "
                + dir
                + " did not stop within "
                + ORPHAN_STOP_WAIT,
            e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    } catch (OverlappingFileLockException e) {
      // This JVM already runs a server on the directory; starting will say so.
    }
  }

  private static Optional<ProcessHandle> postmaster(Path pidFile, Path dir) throws IOException {
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty() || !lines.getFirst().strip().matches("[0-9]{1,10}")) {
      return Optional.empty();
    }
    return ProcessHandle.of(Long.parseLong(lines.getFirst().strip()))
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().orElse("").endsWith("/postgres"))
        .filter(
            p ->
                List.of(p.info().arguments().orElse(new String[0]))
                    .contains(dir.toAbsolutePath().toString()));
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
