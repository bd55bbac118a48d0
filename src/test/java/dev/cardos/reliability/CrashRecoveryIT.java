package dev.cardos.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cardos.testing.TestApi;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What production does to a card platform, done to the real jar: CardOS is killed with SIGKILL at
 * random moments (under load, or while it is still starting) and started again on the same data
 * directory; separately, its PostgreSQL is stopped under load and started again while CardOS runs.
 * After each restart the client retries what went unanswered and checks that the books agree with
 * everything it was told. Each test prints its figures (kills, requests, answers by status) for
 * docs/reliability.md.
 *
 * <p>{@code -Dcardos.chaos.kills=N} runs more kills than the default 20 ({@code ./cardos chaos}).
 */
class CrashRecoveryIT {

  private static final int KILLS = Integer.getInteger("cardos.chaos.kills", 20);
  private static final int LOAD_THREADS = 6;
  private static final String NETWORK_KEY = "nk_chaosNetworkKey0123456789abcdefghijklmnop";

  private static Map<String, String> keys() {
    return Map.of(
        "CARDOS_OPERATOR_KEY",
        TestApi.OPERATOR_KEY,
        "CARDOS_NETWORK_KEY",
        NETWORK_KEY,
        "CARDOS_RATE_LIMIT_PER_SECOND",
        "100000");
  }

  private static JdbcClient database(int port) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl("jdbc:postgresql://localhost:" + port + "/postgres");
    ds.setUser("postgres");
    return JdbcClient.create(ds);
  }

  /** Lets the load run for a random moment; the randomness is the point, not a wait for state. */
  private static void pause(long minMs, long maxMs) throws InterruptedException {
    Thread.sleep(ThreadLocalRandom.current().nextLong(minMs, maxMs));
  }

  @Test
  void killingCardosAtRandomMomentsLosesNothingTheClientWasToldAndDeliversEveryEvent()
      throws Exception {
    Path dataDir = Path.of("target", "chaos", UUID.randomUUID().toString());
    boolean passed = false;
    int startupKills = 0;
    int loadKills = 0;
    int resolved = 0;
    try (HookSink hooks = new HookSink();
        CardosProcess cardos = new CardosProcess(dataDir, keys(), List.of())) {
      cardos.startHealthy();
      Workload work = Workload.create(cardos.port(), NETWORK_KEY, hooks.url(), 4);

      for (int kill = 1; kill <= KILLS; kill++) {
        if (kill % 2 == 0) {
          // Killed while starting: during PostgreSQL recovery, Flyway's check, or bean creation.
          cardos.start();
          pause(500, 8_000);
          cardos.kill();
          startupKills++;
          continue;
        }
        if (kill > 1) {
          cardos.startHealthy();
          resolved += checkAfterRestart(work, cardos);
        }
        Workload.Load load = work.start(LOAD_THREADS);
        pause(300, 2_000);
        cardos.kill();
        load.stop();
        loadKills++;
      }

      cardos.startHealthy();
      resolved += checkAfterRestart(work, cardos);
      work.replaySome(50);
      JdbcClient db = database(cardos.databasePort());
      Set<String> committed =
          Set.copyOf(
              db.sql(
                      """
                      SELECT id FROM events WHERE tenant_id = :t
                        AND created_at >= (SELECT min(created_at) FROM webhook_endpoints
                                           WHERE tenant_id = :t)
                      """)
                  .param("t", work.setup.tenant().id())
                  .query(String.class)
                  .list());
      // Every event committed since the endpoint was registered; a send cut short by a kill is
      // retried once its 60 s lease runs out.
      await()
          .atMost(Duration.ofSeconds(150))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(hooks.eventIds()).containsAll(committed));

      List<String> findings = CardDataHygiene.scan(work, db, hooks.bodies(), cardos);
      cardos.stop();
      findings.addAll(CardDataHygiene.scanFiles(work, dataDir));
      assertThat(findings).isEmpty();

      System.out.printf(
          "CrashRecoveryIT: %d kills (%d under load, %d while starting), %d starts, %d"
              + " authorizations, %d deposits and transfers, %d retried after a kill, %d events"
              + " delivered, answers by status %s%n",
          startupKills + loadKills,
          loadKills,
          startupKills,
          cardos.starts(),
          work.authorizations.size(),
          work.moves.size(),
          resolved,
          committed.size(),
          work.statuses);
      assertThat(startupKills + loadKills).isGreaterThanOrEqualTo(KILLS);
      assertThat(work.answeredAuthorizations()).isGreaterThan(KILLS);
      passed = true;
    } finally {
      if (passed) {
        deleteQuietly(dataDir); // kept after a failure, with cardos.log, for the diagnosis
      }
    }
  }

  /** Retries the unanswered, then checks the books, the ledger proof and some replays. */
  private static int checkAfterRestart(Workload work, CardosProcess cardos) {
    int resolved = work.resolveUnanswered();
    work.assertLedgerVerifies();
    work.assertBooksMatchWhatTheClientWasTold(database(cardos.databasePort()));
    work.replaySome(5);
    return resolved;
  }

  @Test
  void withItsDatabaseStoppedCardosReportsUnhealthyRefusesWith503AndRecoversByItself()
      throws Exception {
    Path dir = Path.of("target", "chaos-db", UUID.randomUUID().toString()).toAbsolutePath();
    boolean passed = false;
    Path pgDir = dir.resolve("pg");
    Files.createDirectories(pgDir);
    int pgPort = CardosProcess.freePort();
    EmbeddedPostgres pg = startPostgres(pgDir, pgPort);
    Map<String, String> env = new java.util.HashMap<>(keys());
    env.put("CARDOS_DB_URL", "jdbc:postgresql://localhost:" + pgPort + "/postgres");
    env.put("CARDOS_DB_USER", "postgres");
    env.put("CARDOS_DB_CONNECTION_TIMEOUT", "2s");
    try (HookSink hooks = new HookSink();
        CardosProcess cardos = new CardosProcess(dir.resolve("cardos"), env, List.of())) {
      cardos.startHealthy();
      Workload work = Workload.create(cardos.port(), NETWORK_KEY, hooks.url(), 2);
      int outages = 3;
      for (int outage = 0; outage < outages; outage++) {
        Workload.Load load = work.start(LOAD_THREADS);
        pause(300, 1_500);
        pg.close();
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> cardos.health() == 503);
        Map<Integer, Integer> before = snapshot(work);
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> snapshot(work).getOrDefault(503, 0) > before.getOrDefault(503, 0));
        pg = startPostgres(pgDir, pgPort);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> cardos.health() == 200);
        load.stop();
        work.resolveUnanswered();
        work.assertLedgerVerifies();
        work.assertBooksMatchWhatTheClientWasTold(database(pgPort));
        work.replaySome(10);
      }
      assertThat(work.statuses).doesNotContainKeys(500);
      assertThat(work.statuses.get(503).get()).isPositive();
      System.out.printf(
          "CrashRecoveryIT (database restarts): %d PostgreSQL stops under load, CardOS started"
              + " %d time(s), %d authorizations, %d deposits and transfers, answers by status %s%n",
          outages, cardos.starts(), work.authorizations.size(), work.moves.size(), work.statuses);
      assertThat(cardos.starts()).as("CardOS recovered without a restart").isEqualTo(1);
      passed = true;
    } finally {
      pg.close();
      if (passed) {
        deleteQuietly(dir); // kept after a failure, with cardos.log, for the diagnosis
      }
    }
  }

  private static Map<Integer, Integer> snapshot(Workload work) {
    Map<Integer, Integer> copy = new java.util.HashMap<>();
    work.statuses.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  /**
   * The test's own PostgreSQL on a fixed directory and port. Never "clean": the library would
   * initialise the directory anew and delete it on close, so the restarted server would be empty.
   */
  private static EmbeddedPostgres startPostgres(Path dir, int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  private static void deleteQuietly(Path dir) {
    try {
      org.springframework.util.FileSystemUtils.deleteRecursively(dir);
    } catch (IOException e) {
      // Left under target/ for the next clean.
    }
  }
}
