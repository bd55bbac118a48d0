package dev.cardos.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A database connection for command-line tools ({@code ./cardos ledger verify}): the external
 * database of {@code CARDOS_DB_URL}, else the embedded one of a running CardOS in {@code
 * CARDOS_DATA_DIR} (found through PostgreSQL's own {@code postmaster.pid}), else the embedded
 * database started just for the tool.
 */
public final class ToolDatabase implements AutoCloseable {

  private final Connection connection;
  private final EmbeddedPostgres startedHere;
  private final String description;

  private ToolDatabase(Connection connection, EmbeddedPostgres startedHere, String description) {
    this.connection = connection;
    this.startedHere = startedHere;
    this.description = description;
  }

  public Connection connection() {
    return connection;
  }

  /** Where the tool is connected, for its output; never includes a password. */
  public String description() {
    return description;
  }

  public static ToolDatabase open(Map<String, String> env) throws SQLException, IOException {
    String url = env.getOrDefault("CARDOS_DB_URL", "");
    if (!url.isBlank()) {
      return new ToolDatabase(
          DriverManager.getConnection(
              url,
              env.getOrDefault("CARDOS_DB_USER", ""),
              env.getOrDefault("CARDOS_DB_PASSWORD", "")),
          null,
          "external PostgreSQL (CARDOS_DB_URL)");
    }
    Path dir =
        Path.of(env.getOrDefault("CARDOS_DATA_DIR", "./data")).resolve("postgres").toAbsolutePath();
    if (!Files.isDirectory(dir)) {
      throw new IOException("No CardOS database in " + dir + " and CARDOS_DB_URL is not set");
    }
    Path pidFile = dir.resolve("postmaster.pid");
    if (Files.exists(pidFile)) {
      List<String> lines = Files.readAllLines(pidFile);
      // postmaster.pid: pid, data directory, start time, port, ...
      if (lines.size() >= 4) {
        String port = lines.get(3).trim();
        try {
          return new ToolDatabase(
              DriverManager.getConnection(
                  "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", ""),
              null,
              "the running CardOS's embedded PostgreSQL in " + dir + " (port " + port + ")");
        } catch (SQLException stale) {
          // The file outlived its server; start one below.
        }
      }
    }
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).start();
    return new ToolDatabase(
        postgres.getPostgresDatabase().getConnection(),
        postgres,
        "the embedded PostgreSQL in " + dir + " (started for this command)");
  }

  @Override
  public void close() throws SQLException, IOException {
    connection.close();
    if (startedHere != null) {
      startedHere.close();
    }
  }
}
