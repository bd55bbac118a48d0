package dev.cardos.authorization.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cardos.testing.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The group commit's contract, with real jobs on the real database: many concurrent jobs share
 * commits, yet each job's writes stand or fall alone; a job that fails (a duplicate key) takes only
 * its own writes with it; a job that rolls back its step keeps what it wrote after; rows jobs defer
 * are written together before the commit. Usage rows are the scratch table: they have no foreign
 * keys.
 */
@ServerTest
class GroupCommitIT {

  @Autowired GroupCommit writer;
  @Autowired io.micrometer.core.instrument.MeterRegistry metrics;
  @Autowired JdbcClient jdbc;
  @Autowired org.springframework.transaction.support.TransactionTemplate transactions;

  private void insert(String subject, String window) {
    jdbc.sql(
            "INSERT INTO spend_usage (subject_id, window_key, amount, count) VALUES (:s, :w, 1, 1)")
        .param("s", subject)
        .param("w", window)
        .update();
  }

  private List<String> windows(String subject) {
    return jdbc.sql("SELECT window_key FROM spend_usage WHERE subject_id = :s ORDER BY window_key")
        .param("s", subject)
        .query(String.class)
        .list();
  }

  @Test
  void concurrentJobsShareCommitsAndAFailingJobTakesOnlyItsOwnWrites() throws Exception {
    String subject = "gc-" + UUID.randomUUID();
    insert(subject, "taken");
    Set threadsSeen = new Set();
    List<Future<String>> answers =
        atOnce(
            200,
            i -> {
              String window = i % 10 == 0 ? "taken" : String.format("w%03d", i);
              return () ->
                  writer.write(
                      "key-" + (window.hashCode() % 3),
                      step -> {
                        threadsSeen.add(Thread.currentThread().getName());
                        step.mark();
                        insert(subject, window + "-first");
                        insert(subject, window);
                        return window;
                      });
            });
    // The 20 jobs writing "taken" fail; the first of them only if "taken" existed before: it did.
    assertThat(duplicateKeyFailures(answers)).isEqualTo(20);
    List<String> stored = windows(subject);
    // 180 jobs, two rows each, plus the row that was there; none of the failed jobs' first rows.
    assertThat(stored).hasSize(180 * 2 + 1);
    assertThat(stored).doesNotContain("taken-first");
    assertThat(threadsSeen.names).containsExactly("group-commit-0");
  }

  @Test
  void withSeveralWritersEveryJobOfOneLockKeyIsWrittenByOneWriter() throws Exception {
    // The node's own writer count is a setting (one by default); three, on the same database.
    GroupCommit writers =
        new GroupCommit(
            transactions, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), 48, 3);
    writers.start();
    String subject = "gc-" + UUID.randomUUID();
    Map<String, java.util.Set<String>> writersByKey = new ConcurrentHashMap<>();
    List<Future<String>> answers = new ArrayList<>();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      // Twenty keys, ten jobs each, interleaved.
      for (int n = 0; n < 10; n++) {
        for (int k = 0; k < 20; k++) {
          String key = "lane-" + k;
          String window = key + "-" + n;
          answers.add(
              callers.submit(
                  () ->
                      writers.write(
                          key,
                          step -> {
                            writersByKey
                                .computeIfAbsent(key, x -> ConcurrentHashMap.newKeySet())
                                .add(Thread.currentThread().getName());
                            insert(subject, window);
                            return key;
                          })));
        }
      }
      for (Future<String> answer : answers) {
        assertThat(answer.get(60, TimeUnit.SECONDS)).startsWith("lane-");
      }
    } finally {
      writers.stop();
    }
    assertThat(windows(subject)).hasSize(200);
    // One writer per key, so a hot account's row is only ever written by one connection of a node.
    writersByKey.forEach((key, names) -> assertThat(names).as(key).hasSize(1));
    // The keys are spread over the writers.
    assertThat(
            writersByKey.values().stream()
                .flatMap(java.util.Set::stream)
                .collect(java.util.stream.Collectors.toSet()))
        .hasSize(3);
  }

  @Test
  void aStepRolledBackKeepsWhatTheJobWritesAfterIt() {
    String subject = "gc-" + UUID.randomUUID();
    String answer =
        writer.write(
            subject,
            step -> {
              step.mark();
              insert(subject, "undone");
              step.rollback();
              insert(subject, "kept");
              return "declined";
            });
    assertThat(answer).isEqualTo("declined");
    assertThat(windows(subject)).containsExactly("kept");
  }

  @Test
  void aJobsOwnFailureIsRethrownToItsCallerAndNothingOfItIsWritten() {
    String subject = "gc-" + UUID.randomUUID();
    assertThatThrownBy(
            () ->
                writer.write(
                    subject,
                    step -> {
                      insert(subject, "a");
                      insert(subject, "a");
                      return null;
                    }))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(windows(subject)).isEmpty();
  }

  @Test
  void aJobFailingWithoutAMarkCostsTheBatchARerunButOnlyItsOwnWrites() throws Exception {
    String subject = "gc-" + UUID.randomUUID();
    insert(subject, "taken");
    List<Future<String>> answers =
        atOnce(
            40,
            i -> {
              String window = i == 7 ? "taken" : "u" + i;
              return () ->
                  writer.write(
                      subject,
                      step -> {
                        insert(subject, window);
                        return window;
                      });
            });
    assertThat(duplicateKeyFailures(answers)).isEqualTo(1);
    assertThat(windows(subject)).hasSize(40);
  }

  @Test
  void deferredRowsOfManyJobsAreWrittenInOneCallAndARolledBackJobsRowsAreDropped()
      throws Exception {
    String subject = "gc-" + UUID.randomUUID();
    List<Integer> callSizes = java.util.Collections.synchronizedList(new ArrayList<>());
    GroupCommit.Sink<String> sink =
        rows -> {
          callSizes.add(rows.size());
          rows.forEach(w -> insert(subject, w));
        };
    List<Future<String>> answers =
        atOnce(
            100,
            n ->
                () ->
                    writer.write(
                        subject + n,
                        step -> {
                          step.mark();
                          step.later(sink, String.format("d%03d", n));
                          if (n % 10 == 0) {
                            step.rollback();
                            step.later(sink, String.format("r%03d", n));
                          }
                          return "ok";
                        }));
    for (Future<String> answer : answers) {
      assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
    }
    List<String> stored = windows(subject);
    assertThat(stored).hasSize(100);
    assertThat(stored).filteredOn(w -> w.startsWith("r")).hasSize(10);
    assertThat(stored).doesNotContain("d000", "d010", "d090");
    // Fewer sink calls than jobs: jobs that waited together were written together.
    assertThat(callSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    assertThat(callSizes.size()).isLessThan(100);
  }

  private double stageSeconds(String stage) {
    return metrics
        .get("cardos.authorization.group_commit.stage")
        .tag("stage", stage)
        .timer()
        .totalTime(TimeUnit.SECONDS);
  }

  @Test
  void aCommittedBatchTimesItsJobsItsRowsAndItsCommitWithinItsWhole() {
    String subject = "gc-" + UUID.randomUUID();
    List<String> stages = List.of("jobs", "rows", "commit");
    double[] before = stages.stream().mapToDouble(this::stageSeconds).toArray();
    double wholeBefore =
        metrics
            .get("cardos.authorization.group_commit.duration")
            .timer()
            .totalTime(TimeUnit.SECONDS);
    writer.write(
        subject,
        step -> {
          insert(subject, "own");
          try {
            Thread.sleep(30); // a slow job: its time must land in the jobs stage
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          step.later(rows -> rows.forEach(w -> insert(subject, w)), "deferred");
          return null;
        });
    double[] spent = new double[stages.size()];
    for (int i = 0; i < spent.length; i++) {
      spent[i] = stageSeconds(stages.get(i)) - before[i];
      assertThat(spent[i]).as(stages.get(i)).isPositive();
    }
    assertThat(spent[0]).as("jobs").isGreaterThanOrEqualTo(0.030);
    double whole =
        metrics
                .get("cardos.authorization.group_commit.duration")
                .timer()
                .totalTime(TimeUnit.SECONDS)
            - wholeBefore;
    assertThat(spent[0] + spent[1] + spent[2]).isLessThanOrEqualTo(whole + 1e-6);
  }

  @Test
  void aDecisionIsNeverWrittenFromInsideATransaction() {
    String subject = "gc-" + UUID.randomUUID();
    // The caller would hold a connection while the writer waits for one of the same pool.
    assertThatThrownBy(
            () ->
                transactions.execute(
                    status ->
                        writer.write(
                            subject,
                            step -> {
                              insert(subject, "never");
                              return null;
                            })))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("never from inside a transaction");
    assertThat(windows(subject)).isEmpty();
  }

  @Test
  void aFailingSinkSendsEveryJobOfItsBatchToATransactionOfItsOwn() {
    String subject = "gc-" + UUID.randomUUID();
    insert(subject, "taken");
    GroupCommit.Sink<String> sink = rows -> rows.forEach(w -> insert(subject, w));
    assertThatThrownBy(
            () ->
                writer.write(
                    subject,
                    step -> {
                      step.mark();
                      insert(subject, "before");
                      step.later(sink, "taken");
                      return null;
                    }))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(windows(subject)).containsExactly("taken");
  }

  /** {@code n} calls released at the same moment, each on a thread of its own; all done. */
  private static List<Future<String>> atOnce(int n, IntFunction<Callable<String>> call) {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> answers = new ArrayList<>();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        Callable<String> one = call.apply(i);
        answers.add(
            callers.submit(
                () -> {
                  start.await();
                  return one.call();
                }));
      }
      start.countDown();
    }
    return answers;
  }

  /** How many of {@code answers} failed; each failure must be a duplicate key. */
  private static int duplicateKeyFailures(List<Future<String>> answers) throws Exception {
    int failed = 0;
    for (Future<String> answer : answers) {
      try {
        answer.get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(DuplicateKeyException.class);
        failed++;
      }
    }
    return failed;
  }

  /** Thread names seen by jobs, from many threads. */
  private static final class Set {
    final java.util.Set<String> names = ConcurrentHashMap.newKeySet();

    void add(String name) {
      names.add(name);
    }
  }
}
