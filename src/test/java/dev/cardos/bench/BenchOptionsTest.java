package dev.cardos.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void postgresSettingsAreNamedValuesInTheOrderGiven() {
    Bench.Options options =
        Bench.Options.parse(
            new String[] {"bench", "spread", "--pg", "max_wal_size=4GB", "--pg", "jit=off"});

    assertThat(options.postgresSettings())
        .containsEntry("max_wal_size", "4GB")
        .containsEntry("jit", "off")
        .hasSize(2);
  }

  @Test
  void aPostgresSettingWithoutANameIsRefused() {
    assertThatThrownBy(() -> Bench.Options.parse(new String[] {"bench", "--pg", "=4GB"}))
        .hasMessageContaining("--pg takes name=value");
    assertThatThrownBy(() -> Bench.Options.parse(new String[] {"bench", "--pg", "max_wal_size"}))
        .hasMessageContaining("--pg takes name=value");
  }

  @Test
  void postgresSettingsApplyOnlyToThePostgresTheBenchStarts() {
    assertThatThrownBy(
            () ->
                Bench.Options.parse(
                    new String[] {"bench", "--url", "http://localhost:8080", "--pg", "jit=off"}))
        .hasMessageContaining("not --url");
  }

  @Test
  void theYoungServerIsMeasuredOnlyWhenAskedFor() {
    assertThat(Bench.Options.parse(new String[] {"bench", "spread"}).checkpoint()).isTrue();
    assertThat(Bench.Options.parse(new String[] {"bench", "--no-checkpoint"}).checkpoint())
        .isFalse();
  }
}
