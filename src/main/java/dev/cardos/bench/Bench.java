package dev.cardos.bench;

import dev.cardos.iso8583.Iso8583Client;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import org.HdrHistogram.Histogram;

/**
 * {@code cardos bench [scenario...] [options]}: see {@code docs/benchmarks.md}. Exit code 0 when
 * every invariant held, 1 when one broke, 2 on a usage or setup error. Missing a performance target
 * is reported, not failed: targets are for people to read, invariants are for machines.
 */
public final class Bench {

  static final List<String> SCENARIOS =
      List.of("spread", "hot", "webhook", "slow-webhook", "events");
  static final int WEBHOOK_BUDGET_MS = 50;

  private final Options options;
  private final PrintStream out;
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private long approvedCount;
  private long approvedAmount;
  private long unansweredCount;
  private long unansweredAmount;
  private final List<String> violations = new ArrayList<>();

  /** Segments of write-ahead log ready ahead of the load, when the bench prepared them. */
  private Integer walSegmentsReady;

  /** pgbench's open loop at half its own rate, when it ran: the latency reference. */
  private PgBench.OpenLoop pgbenchOpen;

  private Bench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  record Options(
      List<String> scenarios,
      int nodes,
      int cards,
      int hotCards,
      int concurrency,
      int seconds,
      int warmupSeconds,
      String url,
      String dbUrl,
      boolean pgbench,
      boolean jfr,
      boolean iso8583,
      Path results,
      Path jar,
      double openRate,
      Map<String, String> postgresSettings,
      boolean checkpoint) {

    static Options parse(String[] args) {
      List<String> scenarios = new ArrayList<>();
      int nodes = 1;
      int cards = 10_000;
      int hotCards = 1_000;
      int concurrency = 16;
      int seconds = 20;
      int warmup = 5;
      String url = null;
      String dbUrl = null;
      boolean pgbench = true;
      boolean jfr = false;
      boolean iso8583 = false;
      boolean checkpoint = true;
      Path results = Path.of("bench/results");
      Path jar = Path.of("target/cardos.jar");
      double openRate = 0;
      Map<String, String> postgresSettings = new LinkedHashMap<>();
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--nodes" -> nodes = Integer.parseInt(args[++i]);
          case "--cards" -> cards = Integer.parseInt(args[++i]);
          case "--hot-cards" -> hotCards = Integer.parseInt(args[++i]);
          case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
          case "--duration" -> seconds = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--url" -> url = args[++i];
          case "--db-url" -> dbUrl = args[++i];
          case "--no-pgbench" -> pgbench = false;
          case "--jfr" -> jfr = true;
          case "--no-checkpoint" -> checkpoint = false;
          case "--transport" -> {
            String transport = args[++i];
            if (!transport.equals("json") && !transport.equals("iso8583")) {
              throw new IllegalArgumentException("--transport is json or iso8583");
            }
            iso8583 = transport.equals("iso8583");
          }
          case "--results" -> results = Path.of(args[++i]);
          case "--jar" -> jar = Path.of(args[++i]);
          case "--open-rate" -> openRate = Double.parseDouble(args[++i]);
          case "--pg" -> {
            String setting = args[++i];
            int eq = setting.indexOf('=');
            if (eq < 1 || !setting.substring(0, eq).matches("[a-z_.]+")) {
              throw new IllegalArgumentException("--pg takes name=value, e.g. max_wal_size=8GB");
            }
            postgresSettings.put(setting.substring(0, eq), setting.substring(eq + 1));
          }
          default -> {
            if (!SCENARIOS.contains(a)) {
              throw new IllegalArgumentException("unknown scenario or option: " + a);
            }
            scenarios.add(a);
          }
        }
      }
      if (!postgresSettings.isEmpty() && url != null) {
        throw new IllegalArgumentException("--pg sets the PostgreSQL the bench starts, not --url");
      }
      if (iso8583 && url != null) {
        throw new IllegalArgumentException("--transport iso8583 needs the nodes the bench starts");
      }
      if (nodes < 1
          || cards < 1
          || hotCards < 1
          || concurrency < 1
          || seconds < 1
          || openRate < 0) {
        throw new IllegalArgumentException("counts and durations must be positive");
      }
      return new Options(
          scenarios.isEmpty() ? SCENARIOS : List.copyOf(scenarios),
          nodes,
          cards,
          hotCards,
          concurrency,
          seconds,
          warmup,
          url,
          dbUrl,
          pgbench,
          jfr,
          iso8583,
          results,
          jar,
          openRate,
          java.util.Collections.unmodifiableMap(postgresSettings),
          checkpoint);
    }
  }

  /**
   * The nodes run with the JVM options {@code ./cardos start} uses ({@code CARDOS_JAVA_OPTS}, which
   * the script sets), so the benchmark measures what is deployed; set it to compare others.
   */
  static List<String> javaOptions(Map<String, String> env) {
    String options = env.getOrDefault("CARDOS_JAVA_OPTS", "").strip();
    return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
  }

  public static int run(String[] args, Map<String, String> env, PrintStream out) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (RuntimeException e) {
      out.println("cardos bench: " + e.getMessage());
      out.println(
          "usage: cardos bench [spread|hot|webhook|slow-webhook|events ...] [--nodes N] [--cards N]"
              + " [--hot-cards N] [--concurrency N] [--duration S] [--warmup S] [--no-pgbench]"
              + " [--no-checkpoint] [--jfr] [--transport json|iso8583] [--open-rate PER_SECOND] [--jar JAR]"
              + " [--pg NAME=VALUE ...]"
              + " [--url URL [--db-url JDBC]] [--results DIR]");
      return 2;
    }
    // The embedded PostgreSQL narrates its start at INFO; the report is what matters here.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.zonky"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    try {
      return new Bench(options, out).run(env);
    } catch (Exception e) {
      out.println("cardos bench: " + e);
      return 2;
    }
  }

  private int run(Map<String, String> env) throws Exception {
    String second =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    // A run's own directory (its PostgreSQL's data among others): a second run started in the
    // same second, as tests do, takes the next free name rather than another run's database.
    String stamp = second;
    Files.createDirectories(Path.of("target", "bench"));
    for (int n = 2; ; n++) {
      try {
        Files.createDirectory(Path.of("target", "bench", stamp));
        break;
      } catch (java.nio.file.FileAlreadyExistsException taken) {
        stamp = second + "-" + n;
      }
    }
    Path work = Path.of("target", "bench", stamp).toAbsolutePath();
    String java = ProcessHandle.current().info().command().orElse("java");
    HttpClient http =
        HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    out.printf(
        "CardOS benchmark %s: %s, %d node(s), %d cores, concurrency %d, %d s per phase, %s%n",
        stamp,
        String.join(" ", options.scenarios()),
        options.nodes(),
        Runtime.getRuntime().availableProcessors(),
        options.concurrency(),
        options.seconds(),
        options.iso8583() ? "ISO 8583 over TCP" : "JSON over HTTP");
    try (Cluster cluster =
        options.url() != null
            ? Cluster.running(options.url(), options.dbUrl(), env)
            : Cluster.start(
                work,
                options.nodes(),
                options.jar(),
                java,
                javaOptions(env),
                options.jfr(),
                options.iso8583(),
                options.postgresSettings())) {
      out.println(
          "  CardOS at "
              + String.join(", ", cluster.nodeUrls)
              + (cluster.ownsPostgres()
                  ? " on a fresh durable PostgreSQL (fsync, synchronous_commit on)"
                      + (options.postgresSettings().isEmpty()
                          ? ""
                          : ", and " + options.postgresSettings())
                  : ""));
      Api api = new Api(http, cluster.nodeUrls.getFirst());
      Fleet fleet = Fleet.create(api, cluster.operatorKey);
      List<Iso8583Client> connections = new ArrayList<>();
      for (int port : cluster.isoPorts) {
        for (int c = 0; c < 2; c++) {
          connections.add(Iso8583Client.connect("127.0.0.1", port, Duration.ofSeconds(10)));
        }
      }
      Load load = new Load(cluster.nodeUrls, cluster.networkKey, "bench-" + stamp, connections);
      if (options.checkpoint() && cluster.ownsPostgres()) {
        Cluster.ReadyWal ready = cluster.prepareWal();
        walSegmentsReady = ready.segmentsAhead();
        out.printf(
            "  write-ahead log: %d segments ready ahead of the load (%d ms to make)%n",
            ready.segmentsAhead(), ready.millis());
      }
      double pgbenchTps = -1;
      if (options.pgbench() && cluster.dbUrl != null) {
        StringBuilder log = new StringBuilder();
        String[] checkpointed = {""};
        boolean openLoop = options.scenarios().contains("spread");
        out.print(
            "  pgbench -b tpcb-like -c "
                + options.concurrency()
                + (openLoop ? ", then at half its rate" : "")
                + " ... ");
        // The same start as each scenario's measured phases: after a checkpoint (see below).
        PgBench.Result pgbench =
            PgBench.run(
                cluster.pgbenchTarget(),
                options.concurrency(),
                options.seconds(),
                openLoop,
                work.resolve("pgbench"),
                () -> checkpointed[0] = checkpoint(cluster),
                log);
        pgbenchTps = pgbench.tps();
        pgbenchOpen = pgbench.open();
        out.println(
            pgbenchTps < 0
                ? "failed:\n" + log
                : String.format("%.0f TPS (%s)", pgbenchTps, checkpointed[0]));
        if (pgbenchOpen != null) {
          out.println("    " + openLoopLine(pgbenchOpen));
        } else if (openLoop && pgbenchTps > 0) {
          out.println("    pgbench's open loop failed:\n" + log);
        }
      }
      Double spreadRate = null;
      for (String scenario : options.scenarios()) {
        Scenario s = setUp(scenario, fleet);
        try {
          out.printf(
              "  %-12s %d cards ready; warming up %d s%n",
              scenario, s.cards.size(), options.warmupSeconds());
          if (options.warmupSeconds() > 0) {
            tally(
                load.closedLoop(
                    s.cards, options.concurrency(), Duration.ofSeconds(options.warmupSeconds())));
          }
          measureFromCheckpoint(cluster);
          Cluster.Counters before = cluster.counters(http);
          if (s.eventEndpointId() != null) {
            s.receiver().countEventsFromNow();
          }
          Load.Result closed =
              load.closedLoop(
                  s.cards, options.concurrency(), Duration.ofSeconds(options.seconds()));
          tally(closed);
          row(scenario, "closed loop, " + options.concurrency() + " clients", closed, pgbenchTps);
          costs(cluster, before, closed, http);
          if (s.eventEndpointId() != null) {
            events(cluster, s, closed);
          }
          if (scenario.equals("spread")) {
            spreadRate = closed.perSecond();
          }
          // Latency is measured in open loop (a closed loop at saturation measures queueing):
          // spread's, and the slow webhook's, whose budget is what the latency target is about.
          if (scenario.equals("spread") || scenario.equals("slow-webhook")) {
            // Half spread's closed-loop rate, or a rate given, so builds compare at the same load.
            double rate =
                options.openRate() > 0
                    ? options.openRate()
                    : Math.max(
                        1, Math.floor((spreadRate != null ? spreadRate : closed.perSecond()) / 2));
            measureFromCheckpoint(cluster);
            before = cluster.counters(http);
            Load.Result open = openLoop(load, cluster, s.cards, rate, work, scenario + "-open");
            tally(open);
            row(scenario, String.format("open loop, %.0f/s", rate), open, pgbenchTps);
            costs(cluster, before, open, http);
            if (!s.sometimesSlowCards().isEmpty()) {
              // A receiver that always times out opens the breaker, after which the stand-in is
              // instant; one slow on some calls keeps it closed, so many answers wait the budget
              // out: their time past the budget is what the target is about.
              measureFromCheckpoint(cluster);
              before = cluster.counters(http);
              Load.Result sometimes =
                  openLoop(
                      load,
                      cluster,
                      s.sometimesSlowCards(),
                      rate,
                      work,
                      scenario + "-sometimes-slow");
              tally(sometimes);
              row(
                  scenario,
                  String.format("open loop, %.0f/s, 1 in %d slow", rate, Receiver.SLOW_EVERY),
                  sometimes,
                  pgbenchTps);
              costs(cluster, before, sometimes, http);
            }
          }
          List<String> checked = new ArrayList<>();
          List<String> broken =
              Invariants.check(
                  cluster,
                  api,
                  fleet.tenantId,
                  approvedCount,
                  approvedAmount,
                  unansweredCount,
                  unansweredAmount,
                  checked);
          out.println("    checked: " + String.join("; ", checked));
          broken.forEach(v -> out.println("    VIOLATION: " + v));
          violations.addAll(broken.stream().map(v -> scenario + ": " + v).toList());
          rows.getLast().put("invariants_ok", broken.isEmpty());
        } finally {
          if (s.eventEndpointId() != null) {
            fleet.deleteWebhookEndpoint(s.eventEndpointId());
          }
          if (s.receiver != null) {
            s.receiver.close();
          }
        }
      }
      load.close();
      printTable(pgbenchTps, spreadRate);
      writeJson(stamp, pgbenchTps);
      if (options.jfr() && cluster.ownsPostgres()) {
        Path profile = work.resolve("pg_stat_statements.tsv");
        try {
          cluster.writeStatementProfile(profile);
          out.println("  PostgreSQL statement profile: " + profile);
        } catch (java.sql.SQLException | java.io.IOException e) {
          out.println("  no PostgreSQL statement profile: " + e.getMessage());
        }
      }
    }
    if (!violations.isEmpty()) {
      out.println("FAILED: " + violations.size() + " invariant violation(s)");
      return 1;
    }
    out.println("OK: every invariant held");
    return 0;
  }

  private record Scenario(
      List<Fleet.Card> cards,
      Receiver receiver,
      List<Fleet.Card> sometimesSlowCards,
      String eventEndpointId) {

    Scenario(List<Fleet.Card> cards, Receiver receiver) {
      this(cards, receiver, List.of(), null);
    }
  }

  private Scenario setUp(String scenario, Fleet fleet) throws Exception {
    int parallel = Math.max(4, options.concurrency() / 2);
    return switch (scenario) {
      case "spread" ->
          new Scenario(fleet.b2cCards(fleet.program("b2c", ""), options.cards(), parallel), null);
      case "hot" ->
          new Scenario(
              fleet.b2bCards(
                  fleet.program("b2b", ""), options.hotCards(), 100_000_000_000_000L, parallel),
              null);
      case "webhook", "slow-webhook" -> {
        boolean slow = scenario.equals("slow-webhook");
        Receiver receiver = new Receiver(slow ? 200 : 5);
        int count = Math.min(options.cards(), 1_000);
        yield new Scenario(
            fleet.b2cCards(fleet.program("b2c", decisionWebhook(receiver.url())), count, parallel),
            receiver,
            slow
                ? fleet.b2cCards(
                    fleet.program("b2c", decisionWebhook(receiver.sometimesSlowUrl())),
                    count,
                    parallel)
                : List.of(),
            null);
      }
      case "events" -> {
        // Every event of the tenant goes to one endpoint that answers at once: how far behind
        // the payments the deliveries run, and what delivering them costs the decisions.
        Receiver receiver = new Receiver(0);
        List<Fleet.Card> cards =
            fleet.b2cCards(fleet.program("b2c", ""), Math.min(options.cards(), 1_000), parallel);
        yield new Scenario(cards, receiver, List.of(), fleet.webhookEndpoint(receiver.eventsUrl()));
      }
      default -> throw new IllegalArgumentException(scenario);
    };
  }

  /**
   * After the closed loop of {@code events}: waits until every delivery to the endpoint is done (at
   * most two minutes), then reports the events created in the phase that arrived and their lag.
   */
  private void events(Cluster cluster, Scenario s, Load.Result closed) throws Exception {
    long stopped = System.nanoTime();
    long deadline = stopped + Duration.ofMinutes(2).toNanos();
    long pending = -1;
    long lastCount = -1;
    long quietSince = stopped;
    while (System.nanoTime() < deadline) {
      if (cluster.dbUrl != null) {
        try (java.sql.Connection c = cluster.connect();
            java.sql.PreparedStatement q =
                c.prepareStatement(
                    "SELECT count(*) FROM webhook_deliveries"
                        + " WHERE endpoint_id = ? AND status = 'pending'")) {
          q.setString(1, s.eventEndpointId());
          try (java.sql.ResultSet rs = q.executeQuery()) {
            rs.next();
            pending = rs.getLong(1);
          }
        }
        if (pending == 0) {
          break;
        }
      } else {
        // Without the database: done when nothing has arrived for three seconds.
        long count = s.receiver().eventsReceivedAll.sum();
        if (count != lastCount) {
          lastCount = count;
          quietSince = System.nanoTime();
        } else if (System.nanoTime() - quietSince > Duration.ofSeconds(3).toNanos()) {
          break;
        }
      }
      Thread.sleep(100);
    }
    double drained = (System.nanoTime() - stopped) / 1e9;
    Receiver r = s.receiver();
    long delivered = r.eventDeliveries.sum();
    long distinct = r.eventIds.size();
    var row = rows.getLast();
    row.put("events_delivered", distinct);
    row.put("events_duplicate_deliveries", delivered - distinct);
    row.put("event_lag_p50_ms", r.eventLagMillis.getValueAtPercentile(50));
    row.put("event_lag_p99_ms", r.eventLagMillis.getValueAtPercentile(99));
    row.put("event_lag_max_ms", r.eventLagMillis.getMaxValue());
    row.put("events_pending_after_drain", pending);
    row.put("event_drain_seconds", Math.round(drained * 10) / 10.0);
    out.printf(
        Locale.ROOT,
        "    events: %d created in the phase delivered (%.2f per authorization answered), %d"
            + " twice; lag p50 %d, p99 %d, max %d ms; all delivered %.1f s after the load"
            + " stopped%s%n",
        distinct,
        distinct / (double) Math.max(1, closed.sent.sum() - closed.errors.sum()),
        delivered - distinct,
        r.eventLagMillis.getValueAtPercentile(50),
        r.eventLagMillis.getValueAtPercentile(99),
        r.eventLagMillis.getMaxValue(),
        drained,
        pending > 0 ? " (" + pending + " still pending after 2 minutes)" : "");
  }

  private static String decisionWebhook(String url) {
    return ", \"decision_webhook\": {\"url\": \"%s\", \"budget_ms\": %d, \"stand_in\": \"approve\"}"
        .formatted(url, WEBHOOK_BUDGET_MS);
  }

  /**
   * An open-loop phase, with the host's CPU sampled beside it. Writes {@code <name>.tsv} under the
   * run's directory: every answer (when it was due, its latency) and every 100 ms host sample, on
   * one clock, so a tail can be told apart: answers slow together (a stall: the collector, a disk
   * flush, the hypervisor) or spread out (queueing).
   */
  private Load.Result openLoop(
      Load load, Cluster cluster, List<Fleet.Card> cards, double rate, Path work, String name)
      throws IOException {
    long start = System.nanoTime();
    Instant startedAt = Instant.now();
    Load.Result result;
    List<HostSampler.Sample> host;
    try (HostSampler sampler = new HostSampler(start, cluster::cpuNanos)) {
      result = load.openLoop(cards, rate, Duration.ofSeconds(options.seconds()), 4_096);
      host = sampler.samples();
    }
    StringBuilder tsv =
        new StringBuilder(
            "kind\tat_ms\tlatency_ms\tbusy_pct\tiowait_pct\tsteal_pct\trunnable\tblocked"
                + "\tcardos_pct\tpostgres_pct\tgenerator_pct\n");
    List<long[]> answers = new ArrayList<>(result.timeline);
    answers.sort(Comparator.comparingLong(a -> a[0]));
    for (long[] a : answers) {
      tsv.append(
          String.format(
              Locale.ROOT,
              "answer\t%.1f\t%.3f\t\t\t\t\t\t\t\t%n",
              (a[0] - start) / 1e6,
              a[1] / 1e3));
    }
    for (HostSampler.Sample h : host) {
      tsv.append(
          String.format(
              Locale.ROOT,
              "host\t%.1f\t\t%.0f\t%.0f\t%.0f\t%d\t%d\t%.0f\t%.0f\t%.0f%n",
              h.atNanos() / 1e6,
              h.busy(),
              h.iowait(),
              h.steal(),
              h.runnable(),
              h.blocked(),
              h.cardos(),
              h.postgres(),
              h.generator()));
    }
    Files.createDirectories(work);
    Files.writeString(work.resolve(name + ".tsv"), tsv);
    out.printf("    timeline from %s: %s%n", startedAt, work.resolve(name + ".tsv"));
    return result;
  }

  /**
   * What each answered request cost since {@code since}: CPU of CardOS, PostgreSQL and the load
   * generator, the group commit's share, and the write-ahead log PostgreSQL wrote for it.
   */
  private void costs(Cluster cluster, Cluster.Counters since, Load.Result r, HttpClient http) {
    Cluster.Counters now = cluster.counters(http);
    long[] before = since.cpuNanos();
    long[] after = now.cpuNanos();
    double[] commitsBefore = since.groupCommits();
    double[] commits = now.groupCommits();
    double batches = commits[0] - commitsBefore[0];
    double perCommit = batches > 0 ? (commits[1] - commitsBefore[1]) / batches : 0;
    rows.getLast().put("decisions_per_commit", Math.round(perCommit * 10) / 10.0);
    // The writers' mean share of the phase spent committing (over every writer of every node),
    // the mean commit, and the mean time a decision waited for its commit to begin.
    double busy = (commits[2] - commitsBefore[2]) / (r.elapsedNanos / 1e9) / commits[4];
    double commitMs = batches > 0 ? (commits[2] - commitsBefore[2]) * 1e3 / batches : 0;
    double decisions = commits[1] - commitsBefore[1];
    double queuedMs = decisions > 0 ? (commits[3] - commitsBefore[3]) * 1e3 / decisions : 0;
    rows.getLast().put("writers", Math.round(commits[4]));
    rows.getLast().put("writer_busy_pct", Math.round(busy * 1000) / 10.0);
    rows.getLast().put("commit_mean_ms", Math.round(commitMs * 100) / 100.0);
    rows.getLast().put("queue_wait_mean_ms", Math.round(queuedMs * 100) / 100.0);
    // Where a commit's time went: its jobs (holds and limits), its batch inserts, its commit.
    double[] stageMs = new double[Cluster.STAGES.size()];
    for (int i = 0; i < stageMs.length; i++) {
      stageMs[i] = batches > 0 ? (commits[5 + i] - commitsBefore[5 + i]) * 1e3 / batches : 0;
      rows.getLast()
          .put("commit_" + Cluster.STAGES.get(i) + "_ms", Math.round(stageMs[i] * 100) / 100.0);
    }
    long answered = Math.max(1, r.sent.sum() - r.errors.sum());
    double cardos = (after[0] - before[0]) / 1e6 / answered;
    double database = (after[1] - before[1]) / 1e6 / answered;
    double generator = (after[2] - before[2]) / 1e6 / answered;
    rows.getLast().put("cardos_cpu_ms_per_auth", Math.round(cardos * 1000) / 1000.0);
    rows.getLast().put("postgres_cpu_ms_per_auth", Math.round(database * 1000) / 1000.0);
    rows.getLast().put("load_generator_cpu_ms_per_auth", Math.round(generator * 1000) / 1000.0);
    // Server-wide, so a concurrent pgbench or checkpoint counts too; the phases run alone.
    double walRecords = (now.wal()[0] - since.wal()[0]) / (double) answered;
    double walFullPages = (now.wal()[1] - since.wal()[1]) / (double) answered;
    double walBytes = (now.wal()[2] - since.wal()[2]) / (double) answered;
    rows.getLast().put("wal_records_per_auth", Math.round(walRecords * 10) / 10.0);
    rows.getLast().put("wal_full_pages_per_auth", Math.round(walFullPages * 100) / 100.0);
    rows.getLast().put("wal_bytes_per_auth", Math.round(walBytes));
    out.printf(
        Locale.ROOT,
        "    CPU per authorization: CardOS %.2f ms, PostgreSQL %.2f ms, load generator %.2f ms;"
            + " %.1f decisions per commit%n"
            + "    group commit: %.0f writers, each busy %.0f %%, %.2f ms per commit"
            + " (jobs %.2f, rows %.2f, commit %.2f), %.2f ms mean wait for it%n"
            + "    WAL per authorization: %.1f records, %.2f full-page images, %.0f bytes%n",
        cardos,
        database,
        generator,
        perCommit,
        commits[4],
        busy * 100,
        commitMs,
        stageMs[0],
        stageMs[1],
        stageMs[2],
        queuedMs,
        walRecords,
        walFullPages,
        walBytes);
  }

  private void tally(Load.Result r) {
    approvedCount += r.approved.sum();
    approvedAmount += r.approvedAmount.sum();
    unansweredCount += r.errors.sum();
    unansweredAmount += r.unansweredAmount.sum();
  }

  private void row(String scenario, String mode, Load.Result r, double pgbenchTps) {
    Histogram h = r.latencyMicros;
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("scenario", scenario);
    row.put("mode", mode);
    row.put("requests", r.sent.sum());
    row.put("per_second", Math.round(r.perSecond()));
    row.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
    row.put("p90_ms", h.getValueAtPercentile(90) / 1000.0);
    row.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
    row.put("p999_ms", h.getValueAtPercentile(99.9) / 1000.0);
    row.put("max_ms", h.getMaxValue() / 1000.0);
    row.put("approved", r.approved.sum());
    row.put("declined", r.declined());
    row.put("declines", r.declineBreakdown());
    row.put("errors", r.errorBreakdown());
    row.put("ratio_to_pgbench", pgbenchTps > 0 ? r.perSecond() / pgbenchTps : null);
    Histogram waited = r.standInAfterWaitMicros;
    if (waited.getTotalCount() > 0) {
      row.put("stand_in_after_wait_count", waited.getTotalCount());
      row.put("stand_in_after_wait_p50_ms", waited.getValueAtPercentile(50) / 1000.0);
      row.put("stand_in_after_wait_p99_ms", waited.getValueAtPercentile(99) / 1000.0);
      row.put("stand_in_after_wait_max_ms", waited.getMaxValue() / 1000.0);
    }
    rows.add(row);
    out.printf(
        Locale.ROOT,
        "    %-26s %7.0f/s  p50 %6.1f  p99 %7.1f  p99.9 %7.1f  max %7.1f ms  declined %4.1f%%%s%n",
        mode,
        r.perSecond(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0,
        100.0 * r.declined() / Math.max(1, r.sent.sum()),
        r.errors.sum() > 0 ? "  errors " + r.errorBreakdown() : "");
    if (waited.getTotalCount() > 0) {
      out.printf(
          Locale.ROOT,
          "    stand-ins after waiting for the webhook: %d, p50 %.1f  p99 %.1f  max %.1f ms%n",
          waited.getTotalCount(),
          waited.getValueAtPercentile(50) / 1000.0,
          waited.getValueAtPercentile(99) / 1000.0,
          waited.getMaxValue() / 1000.0);
    }
  }

  private void printTable(double pgbenchTps, Double spreadRate) {
    out.println();
    out.println(
        "| scenario | mode | auth/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | declined"
            + " | ratio to pgbench | CPU ms/auth CardOS + PostgreSQL | decisions/commit |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|");
    for (Map<String, Object> r : rows) {
      Object ratio = r.get("ratio_to_pgbench");
      long requests = ((Number) r.get("requests")).longValue();
      long declined = ((Number) r.get("declined")).longValue();
      out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f %% %s | %s | %s + %s | %s |%n",
          r.get("scenario"),
          r.get("mode"),
          r.get("per_second"),
          r.get("p50_ms"),
          r.get("p90_ms"),
          r.get("p99_ms"),
          r.get("p999_ms"),
          r.get("max_ms"),
          100.0 * declined / Math.max(1, requests),
          r.get("declines"),
          ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", (Double) ratio),
          r.get("cardos_cpu_ms_per_auth"),
          r.get("postgres_cpu_ms_per_auth"),
          r.get("decisions_per_commit"));
    }
    if (pgbenchTps > 0) {
      out.printf(
          Locale.ROOT,
          "pgbench tpcb-like, %d clients: %.0f TPS%n",
          options.concurrency(),
          pgbenchTps);
    }
    if (pgbenchOpen != null) {
      out.println(openLoopLine(pgbenchOpen));
    }
    if (spreadRate != null) {
      for (Map<String, Object> r : rows) {
        if (!r.get("scenario").equals("spread") && ((String) r.get("mode")).startsWith("closed")) {
          out.printf(
              Locale.ROOT,
              "%s / spread throughput: %.2f%n",
              r.get("scenario"),
              ((Number) r.get("per_second")).doubleValue() / spreadRate);
        }
      }
    }
  }

  /**
   * Measures PostgreSQL as a server that has been running, not one minutes old: each measured phase
   * starts after a checkpoint, with the log's segments ready ({@link Cluster#prepareWal()}), so no
   * commit waits while a new segment file is zero-filled; {@code --no-checkpoint} measures the
   * young server instead.
   */
  private void measureFromCheckpoint(Cluster cluster) {
    out.println("    measuring " + checkpoint(cluster));
  }

  private String checkpoint(Cluster cluster) {
    if (!options.checkpoint()) {
      return "no checkpoint before measuring";
    }
    long ms = cluster.checkpoint();
    return ms < 0 ? "the database refused a checkpoint" : "after a checkpoint of " + ms + " ms";
  }

  /**
   * pgbench's open loop as one line: the reference for the open-loop latency target, a plain
   * database transaction at half its own maximum rate on the same machine in the same run.
   */
  private static String openLoopLine(PgBench.OpenLoop open) {
    Histogram h = open.latencyMicros();
    return String.format(
        Locale.ROOT,
        "pgbench tpcb-like, open loop at %.0f/s (half its rate): %.0f/s  p50 %.1f  p90 %.1f"
            + "  p99 %.1f  p99.9 %.1f  max %.1f ms",
        open.rate(),
        open.perSecond(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(90) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0);
  }

  private void writeJson(String stamp, double pgbenchTps) throws Exception {
    Files.createDirectories(options.results());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run", stamp);
    doc.put("cores", Runtime.getRuntime().availableProcessors());
    doc.put("nodes", options.nodes());
    doc.put("concurrency", options.concurrency());
    doc.put("transport", options.iso8583() ? "iso8583" : "json");
    doc.put("seconds_per_phase", options.seconds());
    doc.put("postgres_settings", options.postgresSettings());
    doc.put("checkpoint_before_measuring", options.checkpoint());
    doc.put("wal_segments_ready", walSegmentsReady);
    doc.put("pgbench_tps", pgbenchTps > 0 ? pgbenchTps : null);
    if (pgbenchOpen != null) {
      Histogram h = pgbenchOpen.latencyMicros();
      Map<String, Object> open = new LinkedHashMap<>();
      open.put("rate", pgbenchOpen.rate());
      open.put("per_second", Math.round(pgbenchOpen.perSecond()));
      open.put("transactions", h.getTotalCount());
      open.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
      open.put("p90_ms", h.getValueAtPercentile(90) / 1000.0);
      open.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
      open.put("p999_ms", h.getValueAtPercentile(99.9) / 1000.0);
      open.put("max_ms", h.getMaxValue() / 1000.0);
      doc.put("pgbench_open_loop", open);
    }
    doc.put("results", rows);
    doc.put("violations", violations);
    Path file = options.results().resolve(stamp + ".json");
    Files.writeString(file, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
    out.println("results written to " + file);
  }
}
