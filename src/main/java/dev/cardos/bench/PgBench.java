package dev.cardos.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PostgreSQL's own bank-transfer benchmark ({@code pgbench -b tpcb-like}) on the same server. */
final class PgBench {

  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial");

  private PgBench() {}

  /** Transactions per second at {@code clients} over {@code seconds}, or -1 if pgbench failed. */
  static double run(
      String[] target, int clients, int seconds, Runnable afterInit, StringBuilder log)
      throws IOException, InterruptedException {
    int scale = Math.max(clients, 10);
    // -n: skip the vacuums (at -i of the fresh tables, before a run of the whole set).
    List<String> base =
        List.of("pgbench", "-h", target[0], "-p", target[1], "-U", "postgres", "-n");
    if (exec(concat(base, "-i", "-q", "-s", Integer.toString(scale), target[2]), log) != 0) {
      return -1;
    }
    afterInit.run();
    StringBuilder out = new StringBuilder();
    int code =
        exec(
            concat(
                base,
                "-b",
                "tpcb-like",
                "-c",
                Integer.toString(clients),
                "-j",
                Integer.toString(Math.min(clients, Runtime.getRuntime().availableProcessors())),
                "-T",
                Integer.toString(seconds),
                target[2]),
            out);
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
