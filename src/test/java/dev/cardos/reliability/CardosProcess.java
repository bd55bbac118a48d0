package dev.cardos.reliability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CardOS as production runs it: {@code java -jar target/cardos.jar} in a child process of its own,
 * configured only by environment variables, its output appended to a log file. It can be killed as
 * an OOM killer or a power cut would (SIGKILL: no shutdown hook, no graceful stop, the embedded
 * PostgreSQL orphaned) and started again on the same data directory.
 */
final class CardosProcess implements AutoCloseable {

  private static final Duration START_MAX = Duration.ofSeconds(120);

  private final Path dataDir;
  private final Path log;
  private final int port;
  private final Map<String, String> environment;
  private final List<String> arguments;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;
  private int starts;

  CardosProcess(Path dataDir, Map<String, String> environment, List<String> arguments) {
    this.dataDir = dataDir.toAbsolutePath();
    this.log = this.dataDir.resolve("cardos.log");
    this.port = freePort();
    this.environment = new LinkedHashMap<>(environment);
    this.arguments = List.copyOf(arguments);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  Path dataDir() {
    return dataDir;
  }

  int starts() {
    return starts;
  }

  /** Starts the jar with the JDK running this test; returns at once. */
  void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("CardOS is already running");
    }
    try {
      Files.createDirectories(dataDir);
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command = new ArrayList<>();
      command.addAll(
          List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar"));
      command.add(Path.of("target", "cardos.jar").toAbsolutePath().toString());
      command.addAll(arguments);
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("CARDOS_DATA_DIR", dataDir.toString());
      builder.environment().put("CARDOS_PORT", Integer.toString(port));
      builder.environment().putAll(environment);
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      process = builder.start();
      starts++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts and waits until {@code /health} answers 200. */
  void startHealthy() {
    start();
    awaitHealthy();
  }

  void awaitHealthy() {
    await()
        .atMost(START_MAX)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "CardOS exited with " + process.exitValue() + "; see " + log);
              }
              return health() == 200;
            });
  }

  /** The status of {@code GET /health}, or -1 when nothing answers. */
  int health() {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** SIGKILL: the JVM dies at once, whatever it was doing. */
  void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** SIGTERM: Spring's graceful shutdown, which also stops the embedded PostgreSQL. */
  void stop() {
    process.destroy();
    waitForExit();
  }

  private void waitForExit() {
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The port the embedded PostgreSQL listens on, from its own pid file. */
  int databasePort() {
    try {
      return Integer.parseInt(
          Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(3).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The PostgreSQL a killed CardOS left behind, if it still runs. */
  Optional<ProcessHandle> orphanedDatabase() {
    Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      String pid = Files.readAllLines(pidFile).getFirst().strip();
      return ProcessHandle.of(Long.parseLong(pid))
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().orElse("").endsWith("/postgres"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Stops CardOS and any PostgreSQL it left running, so no process outlives the test. */
  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      stop();
    }
    orphanedDatabase()
        .ifPresent(
            p -> {
              p.destroy();
              p.onExit().join();
            });
  }
}
