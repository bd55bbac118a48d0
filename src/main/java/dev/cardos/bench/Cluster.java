package dev.cardos.bench;

import dev.cardos.database.EmbeddedServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What the benchmark runs against: a durable PostgreSQL it starts itself (fsync and
 * synchronous_commit on, checked) and {@code nodes} CardOS processes on it, each started from
 * {@code target/cardos.jar} with the same keys; or a CardOS someone else runs ({@code --url}).
 */
final class Cluster implements AutoCloseable {

  final List<String> nodeUrls;
  final String operatorKey;
  final String networkKey;

  /** JDBC URL, user and password of CardOS's database, or null when the checks cannot read it. */
  final String dbUrl;

  final String dbUser;
  final String dbPassword;

  /** The nodes' ISO 8583 ports (on localhost), when started with the interface on. */
  final List<Integer> isoPorts = new ArrayList<>();

  private final EmbeddedPostgres postgres;
  private Path pgDir;
  private final List<Process> processes;

  private Cluster(
      List<String> nodeUrls,
      String operatorKey,
      String networkKey,
      String dbUrl,
      String dbUser,
      String dbPassword,
      EmbeddedPostgres postgres,
      List<Process> processes) {
    this.nodeUrls = nodeUrls;
    this.operatorKey = operatorKey;
    this.networkKey = networkKey;
    this.dbUrl = dbUrl;
    this.dbUser = dbUser;
    this.dbPassword = dbPassword;
    this.postgres = postgres;
    this.processes = processes;
  }

  /** A CardOS that is already running; its keys come from the environment. */
  static Cluster running(String url, String dbUrl, Map<String, String> env) {
    String operator = env.get("CARDOS_OPERATOR_KEY");
    String network = env.get("CARDOS_NETWORK_KEY");
    if (operator == null || network == null) {
      throw new IllegalArgumentException(
          "--url needs CARDOS_OPERATOR_KEY and CARDOS_NETWORK_KEY of that CardOS in the"
              + " environment");
    }
    return new Cluster(
        List.of(url),
        operator,
        network,
        dbUrl,
        env.getOrDefault("CARDOS_DB_USER", "postgres"),
        env.getOrDefault("CARDOS_DB_PASSWORD", ""),
        null,
        List.of());
  }

  /** A fresh durable PostgreSQL and {@code nodes} CardOS processes on it. */
  static Cluster start(
      Path work,
      int nodes,
      Path jar,
      String java,
      List<String> javaOptions,
      boolean jfr,
      boolean iso8583,
      Map<String, String> postgresSettings)
      throws Exception {
    Path pgDir = work.resolve("postgres");
    Files.createDirectories(pgDir);
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(true);
    // What ./cardos start runs, durable; then more connections (nodes, pgbench) and the profile.
    EmbeddedServer.settings(true).forEach(builder::setServerConfig);
    builder
        .setServerConfig("max_connections", "300")
        .setServerConfig("shared_preload_libraries", jfr ? "pg_stat_statements" : "")
        // Its own log beside the run's timelines: checkpoints and autovacuum runs, timed, to
        // tell what the database was doing when answers were slow.
        .setOutputRedirector(
            ProcessBuilder.Redirect.appendTo(work.resolve("postgresql.log").toFile()))
        .setErrorRedirector(
            ProcessBuilder.Redirect.appendTo(work.resolve("postgresql.log").toFile()))
        .setServerConfig("log_line_prefix", "%m-%p-")
        .setServerConfig("log_checkpoints", "on")
        .setServerConfig("log_autovacuum_min_duration", "0");
    // --pg: settings to measure against the deployed ones; durability is not among them.
    postgresSettings.forEach(builder::setServerConfig);
    EmbeddedPostgres postgres = builder.start();
    EmbeddedServer.verify(postgres, true);
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE cardos");
      s.execute("CREATE DATABASE pgbench");
    }
    String dbUrl = "jdbc:postgresql://localhost:" + postgres.getPort() + "/cardos";
    if (jfr) {
      try (Connection c = DriverManager.getConnection(dbUrl, "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("CREATE EXTENSION pg_stat_statements");
        // Count plannings too: a statement planned on every call (a custom plan) shows as
        // plans close to calls.
        s.execute("ALTER DATABASE cardos SET pg_stat_statements.track_planning = on");
      }
    }
    SecureRandom random = new SecureRandom();
    String operator = "op_" + HexFormat.of().formatHex(random.generateSeed(24));
    String network = "nk_" + HexFormat.of().formatHex(random.generateSeed(24));
    String masterKey = Base64.getEncoder().encodeToString(random.generateSeed(32));
    List<Process> processes = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    Cluster cluster =
        new Cluster(urls, operator, network, dbUrl, "postgres", "", postgres, processes);
    cluster.pgDir = pgDir;
    try {
      for (int n = 0; n < nodes; n++) {
        int port = freePort();
        Path dir = work.resolve("node-" + n);
        Files.createDirectories(dir);
        ProcessBuilder pb =
            new ProcessBuilder(nodeCommand(java, javaOptions, jar, dir, jfr))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("cardos.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("CARDOS_PORT", Integer.toString(port));
        env.put("CARDOS_DATA_DIR", dir.toString());
        env.put("CARDOS_DB_URL", dbUrl);
        env.put("CARDOS_DB_USER", "postgres");
        env.put("CARDOS_DB_PASSWORD", "");
        env.put("CARDOS_OPERATOR_KEY", operator);
        env.put("CARDOS_NETWORK_KEY", network);
        env.put("CARDOS_MASTER_KEY", masterKey);
        // Older builds throttled the network key at the tenant default; keys set their own.
        env.put("CARDOS_RATE_LIMIT_PER_SECOND", "100000");
        // The setup issues thousands of cards with one key, far past a key's default budget.
        env.put("CARDOS_RATE_LIMIT_CARD_CREATIONS_PER_MINUTE", "10000000");
        if (iso8583) {
          int isoPort = freePort();
          env.put("CARDOS_ISO8583_PORT", Integer.toString(isoPort));
          cluster.isoPorts.add(isoPort);
        }
        processes.add(pb.start());
        urls.add("http://localhost:" + port);
        // One at a time: the first applies the migrations.
        awaitHealthy(urls.getLast(), processes.getLast(), dir.resolve("cardos.log"));
      }
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private static List<String> nodeCommand(
      String java, List<String> javaOptions, Path jar, Path dir, boolean jfr) {
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(javaOptions);
    if (jfr) {
      command.add(
          "-XX:StartFlightRecording=settings=profile,filename="
              + dir.resolve("cardos.jfr")
              + ",dumponexit=true");
    }
    command.addAll(List.of("-jar", jar.toString()));
    return command;
  }

  /**
   * CPU time so far of the CardOS nodes and, separately, of everything else this process started
   * (the PostgreSQL server and its backends), and of this process (the load generator), for CPU per
   * authorization.
   */
  long[] cpuNanos() {
    long nodes = 0;
    for (Process p : processes) {
      nodes += p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
    long database = 0;
    if (postgres != null) {
      try {
        long pid = Long.parseLong(Files.readAllLines(pgDir.resolve("postmaster.pid")).getFirst());
        database =
            ProcessHandle.of(pid)
                .map(
                    h ->
                        java.util.stream.Stream.concat(java.util.stream.Stream.of(h), h.children())
                            .mapToLong(
                                c -> c.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                            .sum())
                .orElse(0L);
      } catch (IOException | RuntimeException e) {
        database = 0;
      }
    }
    long generator =
        ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    return new long[] {nodes, database, generator};
  }

  /**
   * The group commits so far, summed over the nodes from their Prometheus metrics: how many
   * commits, how many decisions they carried, the seconds the writers spent committing and the
   * seconds decisions waited for them.
   */
  double[] groupCommits(HttpClient http) {
    double commits = 0;
    double decisions = 0;
    double busySeconds = 0;
    double waitSeconds = 0;
    double writers = 0;
    double[] stages = new double[STAGES.size()];
    for (String url : nodeUrls) {
      try {
        String metrics =
            http.send(
                    HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        for (String line : metrics.split("\n")) {
          if (line.startsWith("cardos_authorization_group_commit_batch_count")) {
            commits += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          } else if (line.startsWith("cardos_authorization_group_commit_batch_sum")) {
            decisions += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          } else if (line.startsWith("cardos_authorization_group_commit_duration_seconds_sum")) {
            busySeconds += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          } else if (line.startsWith("cardos_authorization_group_commit_queue_wait_seconds_sum")) {
            waitSeconds += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          } else if (line.startsWith("cardos_authorization_group_commit_writers")) {
            writers += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          } else if (line.startsWith("cardos_authorization_group_commit_stage_seconds_sum")) {
            int stage = STAGES.indexOf(line.replaceAll(".*stage=\"([a-z]+)\".*", "$1"));
            if (stage >= 0) {
              stages[stage] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // metrics are a bonus; the run goes on without them
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A build from before there were several writers per node has one each.
    return new double[] {
      commits,
      decisions,
      busySeconds,
      waitSeconds,
      writers > 0 ? writers : nodeUrls.size(),
      stages[0],
      stages[1],
      stages[2]
    };
  }

  /** The stages of a committed group commit, as the nodes tag them (zeros from older builds). */
  static final List<String> STAGES = List.of("jobs", "rows", "commit");

  /**
   * PostgreSQL's write-ahead log so far ({@code pg_stat_wal}, server-wide): records, full-page
   * images and bytes. A full-page image is a whole 8 kB page written to the log the first time the
   * page changes after a checkpoint; their share is what checkpoint spacing and the order of index
   * inserts decide. Zeros when it cannot be read.
   */
  long[] wal() {
    try (Connection c = connect();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3).longValue()};
    } catch (SQLException | RuntimeException e) {
      return new long[3]; // statistics are a bonus; the run goes on without them
    }
  }

  /** How much write-ahead log a running server keeps ready: PostgreSQL's max_wal_size, 1 GB. */
  static final int READY_WAL_SEGMENTS = 64;

  /**
   * Gives the young cluster the write-ahead log of a server that has been running. PostgreSQL
   * writes its log into 16 MB segment files; a server past its first checkpoints reuses old ones
   * (renamed at each checkpoint, up to {@code max_wal_size}), but a fresh cluster has none, so
   * every 16 MB it creates and zero-fills a new file while every commit behind it waits: a stall of
   * 60 to 100 ms every 3 to 6 s at the benchmark's rates, in every phase, which no long-running
   * server has. Here each new segment is made ahead of the load (a record, then a switch to the
   * next segment), and a checkpoint turns them into the segments to come. Returns how many segments
   * lie ready ahead of the one in use, and how long it took.
   */
  ReadyWal prepareWal() throws SQLException {
    long start = System.nanoTime();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (int i = 0; i < READY_WAL_SEGMENTS; i++) {
        s.execute(
            "SELECT pg_logical_emit_message(false, 'cardos-bench', 'ready'), pg_switch_wal()");
      }
      s.execute("CHECKPOINT");
      try (var rs =
          s.executeQuery(
              """
              SELECT count(*) FROM pg_ls_waldir()
              WHERE name ~ '^[0-9A-F]{24}$' AND name > pg_walfile_name(pg_current_wal_lsn())
              """)) {
        rs.next();
        return new ReadyWal(rs.getInt(1), (System.nanoTime() - start) / 1_000_000);
      }
    }
  }

  record ReadyWal(int segmentsAhead, long millis) {}

  /**
   * A checkpoint before a measured phase: the segments the last phase filled become the next ones
   * again (see {@link #prepareWal()}), as on a server whose checkpoints keep pace. Returns how long
   * it took in milliseconds, or -1 when this database refuses it (a {@code --url} one, without the
   * right to {@code CHECKPOINT}).
   */
  long checkpoint() {
    long start = System.nanoTime();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
      return (System.nanoTime() - start) / 1_000_000;
    } catch (SQLException e) {
      return -1;
    }
  }

  /** The counters a phase's costs are measured between: CPU, group commits, WAL. */
  record Counters(long[] cpuNanos, double[] groupCommits, long[] wal) {}

  Counters counters(HttpClient http) {
    return new Counters(cpuNanos(), groupCommits(http), wal());
  }

  /** host, port and database name of the PostgreSQL for pgbench, from the JDBC URL. */
  String[] pgbenchTarget() {
    URI uri = URI.create(dbUrl.substring("jdbc:".length()));
    return new String[] {
      uri.getHost(), Integer.toString(uri.getPort() == -1 ? 5432 : uri.getPort()), "pgbench"
    };
  }

  /**
   * With {@code --jfr}, PostgreSQL's side of the profile: the statements of the CardOS database by
   * total execution time, with calls, plannings, mean time, rows and the write-ahead log each wrote
   * (records, full-page images, bytes), and each table's inserts, updates (how many were HOT) and
   * vacuums, written to {@code file}.
   */
  void writeStatementProfile(Path file) throws SQLException, IOException {
    String statements =
        """
        SELECT calls, plans, round(total_exec_time::numeric, 1) AS total_ms,
               round((total_exec_time / calls)::numeric * 1000, 1) AS mean_us,
               round((total_plan_time / calls)::numeric * 1000, 1) AS plan_us,
               rows, wal_records, wal_fpi, wal_bytes,
               regexp_replace(query, '\\s+', ' ', 'g') AS query
          FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'cardos') AND calls > 0
         ORDER BY total_exec_time DESC LIMIT 40
        """;
    String tables =
        """
        SELECT relname AS table_name, n_tup_ins AS inserted, n_tup_upd AS updated,
               n_tup_hot_upd AS hot_updated, n_dead_tup AS dead,
               autovacuum_count AS autovacuums, autoanalyze_count AS autoanalyzes
          FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd > 0
         ORDER BY n_tup_ins + n_tup_upd DESC
        """;
    StringBuilder out = new StringBuilder();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      appendTsv(s, statements, out);
      out.append('\n');
      appendTsv(s, tables, out);
    }
    Files.writeString(file, out);
  }

  /** A query's result as tab-separated lines under a header of its column labels. */
  private static void appendTsv(Statement s, String query, StringBuilder out) throws SQLException {
    try (var rs = s.executeQuery(query)) {
      int columns = rs.getMetaData().getColumnCount();
      for (int i = 1; i <= columns; i++) {
        out.append(rs.getMetaData().getColumnLabel(i)).append(i < columns ? '\t' : '\n');
      }
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          out.append(rs.getString(i)).append(i < columns ? '\t' : '\n');
        }
      }
    }
  }

  boolean ownsPostgres() {
    return postgres != null;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(dbUrl, dbUser, dbPassword);
  }

  private static void awaitHealthy(String url, Process process, Path log) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("CardOS exited at start; see " + log);
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("CardOS did not become healthy in 120 s; see " + log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        System.err.println("could not stop PostgreSQL: " + e.getMessage());
      }
    }
  }
}
