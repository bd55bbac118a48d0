package dev.cardos.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DatabasePropertiesTest {

  private static DatabaseProperties withPool(int size) {
    return new DatabaseProperties(
        null, null, null, Path.of("data"), true, 0, size, Duration.ofSeconds(30));
  }

  @Test
  void aPoolOfOneConnectionIsRefusedWithWhy() {
    // The migrations at startup hold one connection and ask for a second.
    assertThatThrownBy(() -> withPool(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CARDOS_DB_POOL_SIZE")
        .hasMessageContaining("at least 2");
    assertThat(withPool(2).poolSize()).isEqualTo(2);
  }
}
