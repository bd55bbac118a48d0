package dev.cardos.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * PostgreSQL's own bank-transfer benchmark ({@code pgbench -b tpcb-like}) on the same server: its
 * closed loop, the reference for throughput, and then its open loop at half that rate, the
 * reference for latency, measured the way the bench measures CardOS's open loop (each latency from
 * when the transaction was due).
 */
final class PgBench {

  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial");

  private PgBench() {}

  /** What pgbench did: its closed loop's TPS (-1 if it failed), its open loop (null if none). */
  record Result(double tps, OpenLoop open) {}

  /** pgbench at a fixed rate: the rate asked, the rate made, each transaction's latency. */
  record OpenLoop(double rate, double perSecond, Histogram latencyMicros) {}

  /**
   * pgbench's closed loop at {@code clients} over {@code seconds}, then (when {@code openLoop}) its
   * open loop at half the TPS it made, each after {@code beforeRun}. Its per-transaction logs go to
   * {@code logs}.
   */
  static Result run(
      String[] target,
      int clients,
      int seconds,
      boolean openLoop,
      Path logs,
      Runnable beforeRun,
      StringBuilder log)
      throws IOException, InterruptedException {
    int scale = Math.max(clients, 10);
    // -n: skip the vacuums (at -i of the fresh tables, before a run of the whole set).
    List<String> base =
        List.of("pgbench", "-h", target[0], "-p", target[1], "-U", "postgres", "-n");
    if (exec(concat(base, "-i", "-q", "-s", Integer.toString(scale), target[2]), log) != 0) {
      return new Result(-1, null);
    }
    List<String> load =
        concat(
            base,
            "-b",
            "tpcb-like",
            "-c",
            Integer.toString(clients),
            "-j",
            Integer.toString(Math.min(clients, Runtime.getRuntime().availableProcessors())),
            "-T",
            Integer.toString(seconds));
    beforeRun.run();
    double tps = tps(load, target[2], log);
    if (tps <= 0 || !openLoop) {
      return new Result(tps, null);
    }
    double rate = Math.max(1, Math.floor(tps / 2));
    Files.createDirectories(logs);
    String prefix = logs.resolve("pgbench").toString();
    beforeRun.run();
    List<String> open =
        concat(load, "-R", String.format(java.util.Locale.ROOT, "%.0f", rate), "-l");
    open.addAll(List.of("--log-prefix", prefix));
    double made = tps(open, target[2], log);
    if (made <= 0) {
      return new Result(tps, null);
    }
    Histogram latencies = new Histogram(3_600_000_000L, 3);
    try (Stream<Path> files = Files.list(logs)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("pgbench.")).toList()) {
        try (Stream<String> lines = Files.lines(file)) {
          lines.forEach(line -> recordLatency(line, latencies));
        }
      }
    }
    return new Result(tps, new OpenLoop(rate, made, latencies));
  }

  /**
   * Records one line of pgbench's per-transaction log under {@code --rate}: {@code client_id
   * transaction_no time script_no time_epoch time_us schedule_lag}, times in microseconds. Under
   * {@code --rate} pgbench measures {@code time} from when the transaction was scheduled, so it
   * already holds the lag behind the schedule (which is logged beside it, not to be added again). A
   * skipped transaction (only with {@code --latency-limit}, which the bench does not use) or a line
   * without a lag (not a {@code --rate} log) is refused.
   */
  static void recordLatency(String line, Histogram into) {
    String[] f = line.trim().split("\\s+");
    if (f.length < 7) {
      throw new IllegalArgumentException("Not a pgbench --rate log line: " + line);
    }
    into.recordValue(Math.max(1, Long.parseLong(f[2])));
  }

  private static double tps(List<String> command, String database, StringBuilder log)
      throws IOException, InterruptedException {
    StringBuilder out = new StringBuilder();
    int code = exec(concat(command, database), out);
    log.append(out);
    Matcher m = TPS.matcher(out);
    return code == 0 && m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static List<String> concat(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  private static int exec(List<String> command, StringBuilder out)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.append(line).append('\n');
      }
    }
    return p.waitFor();
  }
}
