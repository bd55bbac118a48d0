package dev.cardos.cards.internal;

import dev.cardos.cards.Pan;
import dev.cardos.keys.KeyPurpose;
import dev.cardos.keys.Keys;
import dev.cardos.keys.MasterKey;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Re-encrypts card numbers under a new key. Each batch locks its rows with SKIP LOCKED and commits
 * on its own, so issuing and reading cards go on meanwhile. A running server may seal a new card
 * under the old key until its key cache refreshes (5 s), so the rotation makes a last pass after
 * that time before it retires the old keys.
 */
public final class PanKeyRotation {

  private static final int BATCH_SIZE = 500;
  private static final Duration SERVER_CACHE = Duration.ofSeconds(6);

  private PanKeyRotation() {}

  /** What a rotation did. */
  public record Result(String newKeyId, long reencrypted, int retired) {}

  public static Result rotate(Connection connection, Map<String, String> env, PrintStream out)
      throws Exception {
    Path dataDir = Path.of(env.getOrDefault("CARDOS_DATA_DIR", "./data"));
    MasterKey master = MasterKey.load(env.get("CARDOS_MASTER_KEY"), dataDir);
    connection.setAutoCommit(true);
    JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(connection, true));
    Keys keys = Keys.open(jdbc, master);
    String newKey = keys.generate(KeyPurpose.PAN_DATA);
    out.println("  new key " + newKey + " is active");
    CardVault vault = new CardVault(keys);
    long total = reencryptAll(connection, jdbc, vault, newKey, out);
    Thread.sleep(SERVER_CACHE.toMillis());
    total += reencryptAll(connection, jdbc, vault, newKey, out);
    int retired = keys.retirePanDataKeysExcept(newKey);
    return new Result(newKey, total, retired);
  }

  private static long reencryptAll(
      Connection connection, JdbcClient jdbc, CardVault vault, String newKey, PrintStream out)
      throws Exception {
    long total = 0;
    while (true) {
      connection.setAutoCommit(false);
      List<Object[]> batch =
          jdbc.sql(
                  """
                  SELECT id, pan_ciphertext, pan_key_id FROM cards WHERE pan_key_id <> :key
                  ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED
                  """)
              .param("key", newKey)
              .param("n", BATCH_SIZE)
              .query((rs, row) -> new Object[] {rs.getString(1), rs.getBytes(2), rs.getString(3)})
              .list();
      for (Object[] row : batch) {
        String cardId = (String) row[0];
        Pan pan = vault.open(cardId, (byte[]) row[1], (String) row[2]);
        CardVault.Sealed sealed = vault.seal(cardId, pan, newKey);
        jdbc.sql("UPDATE cards SET pan_ciphertext = :c, pan_key_id = :k WHERE id = :id")
            .param("c", sealed.ciphertext())
            .param("k", sealed.keyId())
            .param("id", cardId)
            .update();
      }
      connection.commit();
      connection.setAutoCommit(true);
      total += batch.size();
      if (!batch.isEmpty()) {
        out.println("  re-encrypted " + total + " card numbers");
      }
      if (batch.size() < BATCH_SIZE) {
        return total;
      }
    }
  }
}
