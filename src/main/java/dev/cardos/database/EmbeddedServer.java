package dev.cardos.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How the embedded PostgreSQL is run: the one set of server settings that {@code ./cardos start}
 * and the benchmark both use, so that what is measured is what is deployed.
 */
public final class EmbeddedServer {

  private EmbeddedServer() {}

  /**
   * The server settings, in the order they are applied.
   *
   * @param durable whether commits are flushed to disk before they are acknowledged; off only in
   *     tests, where a lost database is recreated anyway
   */
  public static Map<String, String> settings(boolean durable) {
    String onOff = durable ? "on" : "off";
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("fsync", onOff);
    settings.put("synchronous_commit", onOff);
    settings.put("full_page_writes", onOff);
    settings.put("max_connections", "200");
    // PostgreSQL's default (128 MB) is sized for a laptop sharing its memory; the authorization
    // path's hot pages (cards, accounts, limit windows and the recent end of the append-only
    // tables' indexes) fit in this with room to spare.
    settings.put("shared_buffers", "512MB");
    return settings;
  }

  /**
   * Fails unless the started server's durability settings are what {@link #settings} asked for:
   * another setting given after them (or a server that ignored them) must not turn durability off
   * unnoticed.
   */
  public static void verify(EmbeddedPostgres postgres, boolean durable) {
    String expected = durable ? "on" : "off";
    JdbcClient jdbc = JdbcClient.create(postgres.getPostgresDatabase());
    for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
      String actual = jdbc.sql("SHOW " + setting).query(String.class).single();
      if (!expected.equals(actual)) {
        throw new IllegalStateException(
            setting
                + " is not "
                + expected
                + ": the embedded PostgreSQL has "
                + setting
                + "="
                + actual);
      }
    }
  }
}
