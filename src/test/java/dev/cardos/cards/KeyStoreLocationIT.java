package dev.cardos.cards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.database.DatabaseProperties;
import dev.cardos.testing.ServerTest;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The key store's master key lives in the data directory the database uses, so that {@code cardos
 * keys rotate}, which reads {@code CARDOS_DATA_DIR} once, finds both.
 */
@ServerTest
class KeyStoreLocationIT {

  @Autowired DatabaseProperties database;

  @Test
  void theMasterKeyIsInTheDatabasesDataDirectory() {
    assertThat(database.dataDir().resolve("postgres")).isDirectory();
    assertThat(Files.exists(database.dataDir().resolve("master.key"))).isTrue();
  }
}
