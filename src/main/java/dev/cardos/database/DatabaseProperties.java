package dev.cardos.database;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Database settings ({@code cardos.db.*}, from {@code CARDOS_DB_*} environment variables).
 *
 * @param url JDBC URL of an external PostgreSQL; when blank the embedded one is started
 * @param user user for the external database
 * @param password password for the external database
 * @param dataDir directory that holds the embedded database's files ({@code ./data})
 * @param durable whether the embedded database syncs commits to disk; only tests turn it off
 * @param embeddedPort TCP port of the embedded database on loopback, 0 for any free port
 * @param poolSize maximum connections in the pool; at least 2 (the migrations ask for a second
 *     connection while they hold one)
 * @param connectionTimeout how long a request waits for a connection before it is refused with 503
 *     (the database unreachable, or the pool exhausted)
 */
@ConfigurationProperties("cardos.db")
public record DatabaseProperties(
    String url,
    String user,
    String password,
    @DefaultValue("./data") Path dataDir,
    @DefaultValue("true") boolean durable,
    @DefaultValue("0") int embeddedPort,
    @DefaultValue("20") int poolSize,
    @DefaultValue("30s") Duration connectionTimeout) {

  public DatabaseProperties {
    if (poolSize < 2) {
      throw new IllegalArgumentException(
          "cardos.db.pool-size (CARDOS_DB_POOL_SIZE) is "
              + poolSize
              + "; it must be at least 2: the migrations at startup ask for a second connection"
              + " while they hold one");
    }
  }

  boolean external() {
    return url != null && !url.isBlank();
  }
}
