package dev.cardos.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the host's CPU every 100 ms from {@code /proc/stat} while a phase runs: how busy it was,
 * how much of it waited on the disk, how much the hypervisor took (steal), and how many threads
 * wanted a core. Beside a phase's per-answer timeline, it tells a stall of the machine from one of
 * ours. On a system without {@code /proc/stat} it records nothing.
 */
final class HostSampler implements AutoCloseable {

  private static final Path STAT = Path.of("/proc/stat");
  private static final long PERIOD_MILLIS = 100;

  /** One interval: when it ended (ns after the start) and its shares of CPU time, in percent. */
  record Sample(
      long atNanos,
      double busy,
      double iowait,
      double steal,
      int runnable,
      int blocked,
      double cardos,
      double postgres,
      double generator) {}

  private final long startNanos;
  private final java.util.function.Supplier<long[]> processCpu;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * {@code processCpu} gives the CPU time (ns) used so far by CardOS, PostgreSQL and the load
   * generator; each sample says what share of one core each of them used in the interval.
   */
  HostSampler(long startNanos, java.util.function.Supplier<long[]> processCpu) {
    this.startNanos = startNanos;
    this.processCpu = processCpu;
    this.thread = Thread.ofPlatform().daemon(true).name("bench-host-sampler").start(this::loop);
  }

  private void loop() {
    long[] before = read();
    long[] cpuBefore = processCpu.get();
    long nanosBefore = System.nanoTime();
    while (running && before != null) {
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long[] after = read();
      if (after == null) {
        return;
      }
      long[] cpuAfter = processCpu.get();
      long nanosAfter = System.nanoTime();
      double interval = Math.max(1, nanosAfter - nanosBefore) / 100.0;
      // user nice system idle iowait irq softirq steal, then procs_running, procs_blocked
      double total = 0;
      for (int i = 0; i < 8; i++) {
        total += after[i] - before[i];
      }
      if (total > 0) {
        double idle = after[3] - before[3];
        double iowait = after[4] - before[4];
        double steal = after[7] - before[7];
        synchronized (samples) {
          samples.add(
              new Sample(
                  System.nanoTime() - startNanos,
                  100 * (total - idle - iowait - steal) / total,
                  100 * iowait / total,
                  100 * steal / total,
                  (int) after[8],
                  (int) after[9],
                  (cpuAfter[0] - cpuBefore[0]) / interval,
                  (cpuAfter[1] - cpuBefore[1]) / interval,
                  (cpuAfter[2] - cpuBefore[2]) / interval));
        }
      }
      before = after;
      cpuBefore = cpuAfter;
      nanosBefore = nanosAfter;
    }
  }

  private static long[] read() {
    try {
      long[] out = new long[10];
      for (String line : Files.readAllLines(STAT)) {
        String[] f = line.trim().split("\\s+");
        if (f[0].equals("cpu")) {
          for (int i = 0; i < 8 && i + 1 < f.length; i++) {
            out[i] = Long.parseLong(f[i + 1]);
          }
        } else if (f[0].equals("procs_running")) {
          out[8] = Long.parseLong(f[1]);
        } else if (f[0].equals("procs_blocked")) {
          out[9] = Long.parseLong(f[1]);
        }
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
