package dev.cardos.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The benchmark itself: a whole run in miniature (its own durable PostgreSQL and CardOS process,
 * every scenario, the invariants after each), and its invariant checks catching books that do not
 * match what the network was told. Performance is not asserted here; {@code docs/benchmarks.md} has
 * the figures.
 */
@ServerTest
class BenchIT {

  @LocalServerPort int port;
  @Autowired HikariDataSource dataSource;
  @Autowired JdbcClient jdbc;

  @Test
  void aSmallRunOfEveryScenarioKeepsEveryInvariantAndWritesItsResults() throws Exception {
    Path results = Path.of("target", "bench-it", UUID.randomUUID().toString());
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exit =
        Bench.run(
            new String[] {
              "bench",
              "--cards",
              "20",
              "--hot-cards",
              "10",
              "--duration",
              "2",
              "--warmup",
              // No warm-up: the slow webhook's first timeouts (before its breaker opens) must
              // fall in the measured phase.
              "0",
              "--concurrency",
              "4",
              "--no-pgbench",
              "--open-rate",
              "25",
              // A setting to measure against the deployed ones, recorded with the results.
              "--pg",
              "work_mem=8MB",
              "--results",
              results.toString()
            },
            Map.of(),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    String report = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(report).isZero();
    assertThat(report).contains("OK: every invariant held");
    List<Path> files;
    try (var list = Files.list(results)) {
      files = list.toList();
    }
    assertThat(files).hasSize(1);
    JsonNode doc = Api.JSON.readTree(Files.readString(files.getFirst()));
    List<String> phases = new ArrayList<>();
    doc.get("results")
        .forEach(r -> phases.add(r.get("scenario").asString() + "/" + r.get("mode").asString()));
    assertThat(phases)
        .hasSize(8)
        .anyMatch(p -> p.equals("spread/open loop, 25/s"))
        .anyMatch(p -> p.startsWith("events/closed loop"))
        .anyMatch(p -> p.equals("slow-webhook/open loop, 25/s"))
        .anyMatch(p -> p.equals("slow-webhook/open loop, 25/s, 1 in 4 slow"))
        .anyMatch(p -> p.startsWith("slow-webhook/closed loop"));
    doc.get("results")
        .forEach(
            r -> {
              assertThat(r.get("requests").asLong()).isPositive();
              assertThat(r.get("approved").asLong()).isPositive();
              assertThat(r.get("load_generator_cpu_ms_per_auth").asDouble()).isPositive();
              // Every decision writes its rows and a commit to PostgreSQL's log.
              assertThat(r.get("wal_records_per_auth").asDouble()).isPositive();
              assertThat(r.get("wal_bytes_per_auth").asLong()).isPositive();
            });
    assertThat(doc.get("postgres_settings").get("work_mem").asString()).isEqualTo("8MB");
    // Measured as a server that has run: its log's segments made ahead (none zero-filled while a
    // commit waits), and a checkpoint before each measured phase.
    assertThat(doc.get("checkpoint_before_measuring").asBoolean()).isTrue();
    assertThat(doc.get("wal_segments_ready").asInt())
        .isGreaterThanOrEqualTo(Cluster.READY_WAL_SEGMENTS - 1);
    assertThat(report).contains("measuring after a checkpoint of");
    assertThat(doc.get("violations").isEmpty()).isTrue();
    // Every event of the events phase reached the tenant's endpoint, and none is left pending.
    for (JsonNode r : doc.get("results")) {
      if (r.get("scenario").asString().equals("events")) {
        assertThat(r.get("events_delivered").asLong()).as(r.toString()).isPositive();
        assertThat(r.get("events_pending_after_drain").asLong()).as(r.toString()).isZero();
        assertThat(r.get("event_lag_max_ms").asLong()).as(r.toString()).isNotNegative();
      }
    }
    // The slow receiver (200 ms against a 50 ms budget) made the first answers wait the budget
    // out before the stand-in; the report counts them apart from the breaker's instant ones.
    JsonNode slow = null;
    for (JsonNode r : doc.get("results")) {
      if (r.get("scenario").asString().equals("slow-webhook")
          && r.get("mode").asString().startsWith("closed")) {
        slow = r;
      }
    }
    assertThat(slow).isNotNull();
    assertThat(slow.get("stand_in_after_wait_count").asLong()).isPositive();
    assertThat(slow.get("stand_in_after_wait_max_ms").asDouble()).isGreaterThanOrEqualTo(50.0);
    // A receiver slow on one call in four keeps the breaker closed: a quarter of the answers wait.
    JsonNode sometimes = null;
    for (JsonNode r : doc.get("results")) {
      if (r.get("mode").asString().endsWith("1 in 4 slow")) {
        sometimes = r;
      }
    }
    assertThat(sometimes).isNotNull();
    assertThat(sometimes.get("stand_in_after_wait_count").asLong())
        .isGreaterThan(sometimes.get("requests").asLong() / 10);
    assertThat(sometimes.get("stand_in_after_wait_p50_ms").asDouble()).isGreaterThanOrEqualTo(50.0);
    assertThat(report).contains("stand-ins after waiting for the webhook");
  }

  @Test
  void durabilityCannotBeTurnedOffToWin() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    int exit =
        Bench.run(
            new String[] {"bench", "spread", "--no-pgbench", "--pg", "fsync=off"},
            Map.of(),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(exit).isEqualTo(2);
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("fsync is not on");
  }

  @Test
  void theChecksFindHoldsThatDoNotMatchWhatTheNetworkWasTold() throws Exception {
    Cluster cluster =
        Cluster.running(
            "http://localhost:" + port,
            dataSource.getJdbcUrl(),
            Map.of(
                "CARDOS_OPERATOR_KEY",
                TestApi.OPERATOR_KEY,
                "CARDOS_NETWORK_KEY",
                "not-used-here",
                "CARDOS_DB_USER",
                dataSource.getUsername()));
    HttpClient http = HttpClient.newHttpClient();
    Api api = new Api(http, "http://localhost:" + port);
    Fleet fleet = Fleet.create(api, TestApi.OPERATOR_KEY);
    String program = fleet.program("b2b", "");
    List<Fleet.Card> cards = fleet.b2bCards(program, 3, 10_000_000, 2);
    String networkKey =
        api.expect(201, api.post("/v1/admin/network-keys", TestApi.OPERATOR_KEY, ""), "network key")
            .get("secret")
            .asString();
    Load.Result run;
    try (Load load = new Load(List.of(api.baseUrl), networkKey, "check-" + UUID.randomUUID())) {
      run = load.closedLoop(cards, 2, Duration.ofSeconds(1));
    }
    assertThat(run.approved.sum()).isPositive();

    assertThat(check(cluster, api, fleet, run)).isEmpty();

    // One hold more than the network was told (as a double approval would leave it).
    jdbc.sql(
            """
            UPDATE holds SET amount = amount + 1, original_amount = original_amount + 1
            WHERE id = (SELECT min(id) FROM holds WHERE tenant_id = :t AND status = 'active')
            """)
        .param("t", fleet.tenantId)
        .update();
    assertThat(check(cluster, api, fleet, run))
        .anyMatch(v -> v.startsWith("active holds sum to"))
        .anyMatch(v -> v.startsWith("ledger verify failed"));
  }

  private static List<String> check(Cluster cluster, Api api, Fleet fleet, Load.Result run)
      throws java.sql.SQLException {
    return Invariants.check(
        cluster,
        api,
        fleet.tenantId,
        run.approved.sum(),
        run.approvedAmount.sum(),
        run.errors.sum(),
        run.unansweredAmount.sum(),
        new ArrayList<>());
  }
}
