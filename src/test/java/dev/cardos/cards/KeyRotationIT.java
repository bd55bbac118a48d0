package dev.cardos.cards;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cardos.cards.CardFixtures.Setup;
import dev.cardos.cards.internal.PanKeyRotation;
import dev.cardos.database.DatabaseProperties;
import dev.cardos.keys.Keys;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi.Response;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code cardos keys rotate} on a running server: every card number moves under a new key while
 * cards keep being issued, and every card still reveals the number it had.
 *
 * <p>The data directory is fixed for the whole context here. {@code @ServerTest} gives {@code
 * target/it-data/${random.uuid}}, which is resolved anew at each look-up, so the database and the
 * key store land in different directories and the rotation, reading {@link DatabaseProperties},
 * would not find the server's {@code master.key} (see KeyStoreLocationIT). It also gives the
 * rotation a database of its own: it re-encrypts and retires keys for every card there is.
 */
@ServerTest
// It reveals every card it issued, more than a key's default reveal budget allows in a minute.
@org.springframework.test.context.TestPropertySource(
    properties = "cardos.api.reveals-per-minute=100000")
class KeyRotationIT {

  private static final Path DATA_DIR =
      Path.of("target", "it-data", "key-rotation-" + UUID.randomUUID());
  private static final int CARDS_BEFORE = 12;
  private static final int CARDS_DURING_MAX = 400;
  private static final int CARDS_AFTER = 5;

  @DynamicPropertySource
  static void dataDirectory(DynamicPropertyRegistry registry) {
    registry.add("cardos.db.data-dir", DATA_DIR::toString);
  }

  @LocalServerPort int port;
  @Autowired DataSource dataSource;
  @Autowired DatabaseProperties database;
  @Autowired Keys keys;
  @Autowired JdbcClient jdbc;

  @Test
  void everyCardIssuedBeforeDuringAndAfterARotationRevealsItsNumberUnderTheNewKey()
      throws Exception {
    CardFixtures fixtures = new CardFixtures(port);
    Setup setup = fixtures.b2c("on_demand", "", 0);
    Map<String, String> before = issueAndReveal(fixtures, setup, CARDS_BEFORE);
    List<String> oldKeys =
        jdbc.sql("SELECT DISTINCT pan_key_id FROM cards").query(String.class).list();
    assertThat(oldKeys).hasSize(1);
    assertThat(Files.exists(database.dataDir().resolve("master.key"))).isTrue();

    Map<String, String> during = new ConcurrentHashMap<>();
    AtomicBoolean rotating = new AtomicBoolean(true);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PanKeyRotation.Result result;
    try (ExecutorService issuer = Executors.newSingleThreadExecutor()) {
      Future<?> issuing =
          issuer.submit(
              () -> {
                for (int i = 0; i < CARDS_DURING_MAX && rotating.get(); i++) {
                  during.putAll(issueAndReveal(fixtures, setup, 1));
                }
              });
      try (Connection connection = dataSource.getConnection()) {
        result =
            PanKeyRotation.rotate(
                connection,
                Map.of("CARDOS_DATA_DIR", database.dataDir().toString()),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
      } finally {
        rotating.set(false);
      }
      issuing.get(60, TimeUnit.SECONDS);
    }
    String newKey = result.newKeyId();
    assertThat(during).as("cards issued while the rotation ran").isNotEmpty();
    assertThat(newKey).isNotIn(oldKeys);
    assertThat(result.retired()).isEqualTo(1);
    assertThat(result.reencrypted()).isGreaterThanOrEqualTo(CARDS_BEFORE);

    // The server re-reads which key is active every 5 s.
    await().atMost(Duration.ofSeconds(15)).until(() -> keys.activePanDataKey().id().equals(newKey));
    Map<String, String> after = issueAndReveal(fixtures, setup, CARDS_AFTER);

    Map<String, String> all = new LinkedHashMap<>(before);
    all.putAll(during);
    all.putAll(after);
    assertThat(all).hasSize(CARDS_BEFORE + during.size() + CARDS_AFTER);
    for (Map.Entry<String, String> card : all.entrySet()) {
      assertThat(fixtures.revealPan(setup.key(), card.getKey()))
          .as(card.getKey())
          .isEqualTo(card.getValue());
    }
    assertThat(jdbc.sql("SELECT id, pan_key_id FROM cards").query().listOfRows())
        .hasSize(all.size())
        .allSatisfy(
            row -> assertThat(row.get("pan_key_id")).as(row.get("id") + "").isEqualTo(newKey));
    assertThat(keyStatus(oldKeys.getFirst())).isEqualTo("retired");
    assertThat(keyStatus(newKey)).isEqualTo("active");
    assertThat(
            jdbc.sql("SELECT id FROM key_material WHERE purpose = 'pan_data' AND status = 'active'")
                .query(String.class)
                .list())
        .containsExactly(newKey);

    CardNumberScan scan = new CardNumberScan(all.values(), List.of(setup.range()));
    assertThat(scan.database(jdbc)).isEmpty();
    assertThat(scan.text("rotation output", printed.toString(StandardCharsets.UTF_8))).isEmpty();
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains(newKey);
  }

  /** Issues virtual cards and reveals each: card id to number. */
  private static Map<String, String> issueAndReveal(CardFixtures fixtures, Setup setup, int n) {
    Map<String, String> cards = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Response created =
          expect(
              fixtures.issue(setup.key(), setup.programId(), setup.cardholderId(), "virtual"), 201);
      cards.put(created.id(), fixtures.revealPan(setup.key(), created.id()));
    }
    return cards;
  }

  private String keyStatus(String keyId) {
    return jdbc.sql("SELECT status FROM key_material WHERE id = :id")
        .param("id", keyId)
        .query(String.class)
        .single();
  }
}
