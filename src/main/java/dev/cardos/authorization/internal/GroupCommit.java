package dev.cardos.authorization.internal;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for decisions: one writer thread takes every decision waiting to be written,
 * executes each in one transaction (in a savepoint of its own when it asks for one), writes the
 * rows they deferred (every authorization of the batch in one statement, every event in another),
 * and commits them together, so that one durable commit (one WAL flush) serves many authorizations.
 * A caller is answered only after the commit that holds its writes returned: nothing is
 * acknowledged before it is durable.
 *
 * <p>A node has one writer by default ({@code cardos.authorization.group-commit-writers}); with
 * more, each has its own queue, thread and connection, and a decision goes to the writer its lock
 * key (the account, or the cardholder whose rows it touches) hashes to, so every decision on one
 * account or cardholder is written by one writer, in order, and a hot account's row is never
 * contended inside a node. More writers wait less for one another but carry smaller batches: on two
 * shared cores they cost more CPU per decision than they saved (ADR 8). Within a batch the jobs run
 * one after another on one connection, ordered by lock key, so writers and nodes take rows in the
 * same order. Correctness does not rest on this class: each job does its own checks under the
 * database's row locks and constraints. A job that failed for a reason other than its own logic (a
 * deadlock with another writer or node, a lost connection, a failed commit) is run again alone in a
 * transaction of its own.
 */
@Component
class GroupCommit implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

  /** A job's writes. {@code step} lets it undo what it wrote so far and go on (a decline). */
  interface Job<T> {
    T run(Step step);
  }

  /** What a job can ask of the batch it runs in. */
  interface Step {

    /**
     * Marks the point {@link #rollback()} returns to (a savepoint). A job that runs statements of
     * its own marks first; if one of its statements fails without a mark, the whole batch is run
     * again, each job alone.
     */
    void mark();

    /** Undoes what the job wrote and deferred since its mark, leaving it free to write others. */
    void rollback();

    /**
     * Writes {@code row} together with the other rows given to the same {@code sink} in this batch:
     * once every job of the batch ran, in one call of the sink, before the commit. A sink that
     * fails fails the batch, which is then run again, each job alone.
     */
    <R> void later(Sink<R> sink, R row);
  }

  /** Writes the rows a batch's jobs deferred to it, all in one go. */
  interface Sink<R> {
    void writeAll(List<R> rows);
  }

  private record Pending<T>(
      String lockKey, Job<T> job, CompletableFuture<T> answer, long queuedNanos) {}

  private final List<BlockingQueue<Pending<?>>> queues;
  private final TransactionTemplate transactions;
  private final int maxBatch;
  private final DistributionSummary batchSizes;
  private final Timer batchTimes;
  private final Timer queueWaits;

  /**
   * Where a committed batch's time went: its jobs (from the transaction's start to the last job's
   * end: the holds and limits, one statement each or two), its deferred rows (the batch inserts),
   * and its commit (until the commit is durable).
   */
  private final Timer jobTimes;

  private final Timer rowTimes;
  private final Timer commitTimes;
  private volatile boolean running;
  private final List<Thread> writers = new ArrayList<>();

  GroupCommit(
      TransactionTemplate transactions,
      MeterRegistry metrics,
      @Value("${cardos.authorization.group-commit-max:48}") int maxBatch,
      @Value("${cardos.authorization.group-commit-writers:1}") int writerCount) {
    this.transactions = transactions;
    // A savepoint per job: PostgreSQL keeps up to 64 subtransactions per backend in shared memory,
    // beyond which every snapshot gets slower; stay well below.
    this.maxBatch = Math.max(1, Math.min(maxBatch, 60));
    List<BlockingQueue<Pending<?>>> lanes = new ArrayList<>();
    for (int i = 0; i < Math.max(1, Math.min(writerCount, 16)); i++) {
      lanes.add(new LinkedBlockingQueue<>());
    }
    this.queues = List.copyOf(lanes);
    Gauge.builder("cardos.authorization.group_commit.writers", queues, List::size)
        .description("Group commit writers in this node, each with its own connection")
        .register(metrics);
    this.batchSizes =
        DistributionSummary.builder("cardos.authorization.group_commit.batch")
            .description("Decisions committed together in one transaction")
            .register(metrics);
    // The writer's busy time (batches per second times their mean duration) and how long decisions
    // queue for it: what tells a saturated writer from a slow database.
    this.batchTimes =
        Timer.builder("cardos.authorization.group_commit.duration")
            .description(
                "Time a group commit takes, from its first statement to its durable commit")
            .register(metrics);
    this.queueWaits =
        Timer.builder("cardos.authorization.group_commit.queue_wait")
            .description("Time a decision waits for the group commit that carries it to begin")
            .register(metrics);
    this.jobTimes = stage(metrics, "jobs");
    this.rowTimes = stage(metrics, "rows");
    this.commitTimes = stage(metrics, "commit");
  }

  private static Timer stage(MeterRegistry metrics, String stage) {
    return Timer.builder("cardos.authorization.group_commit.stage")
        .description(
            "Time a committed group commit spent in its jobs, its deferred rows and its commit")
        .tag("stage", stage)
        .register(metrics);
  }

  /**
   * Runs {@code job} in the next group commit and returns its result once that commit is durable.
   * Exceptions the job threw are rethrown here (a duplicate key, for example). Refused inside a
   * transaction.
   */
  <T> T write(String lockKey, Job<T> job) {
    if (TransactionSynchronizationManager.isActualTransactionActive()) {
      // The caller would hold a pooled connection while the writer waits for one: with as many
      // such callers as the pool has connections, neither would ever get one.
      throw new IllegalStateException(
          "A decision is written by the group commit, never from inside a transaction");
    }
    if (!running) {
      return alone(job);
    }
    Pending<T> pending = new Pending<>(lockKey, job, new CompletableFuture<>(), System.nanoTime());
    queueOf(lockKey).add(pending);
    try {
      return pending.answer().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** The writer of every decision with this lock key. */
  private BlockingQueue<Pending<?>> queueOf(String lockKey) {
    return queues.get(lockKey == null ? 0 : Math.floorMod(lockKey.hashCode(), queues.size()));
  }

  private void loop(BlockingQueue<Pending<?>> queue) {
    List<Pending<?>> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      try {
        Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        commit(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      } catch (RuntimeException | Error e) {
        log.error("Group commit failed unexpectedly; its callers get the error", e);
        batch.forEach(p -> p.answer().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Pending<?>> batch) {
    long started = System.nanoTime();
    for (Pending<?> p : batch) {
      queueWaits.record(started - p.queuedNanos(), TimeUnit.NANOSECONDS);
    }
    batch.sort(Comparator.comparing(p -> p.lockKey() == null ? "" : p.lockKey()));
    batchSizes.record(batch.size());
    Object[] results = new Object[batch.size()];
    RuntimeException[] failures = new RuntimeException[batch.size()];
    long[] marks = new long[2];
    try {
      transactions.executeWithoutResult(
          status -> {
            Deferred deferred = new Deferred();
            for (int i = 0; i < batch.size(); i++) {
              BatchStep step = new BatchStep(status);
              try {
                results[i] = batch.get(i).job().run(step);
                step.handOver(deferred);
              } catch (RuntimeException e) {
                if (!step.marked()) {
                  // A statement failed outside a savepoint: the transaction is lost.
                  throw e;
                }
                step.rollback();
                failures[i] = e;
              }
            }
            marks[0] = System.nanoTime();
            deferred.writeAll();
            marks[1] = System.nanoTime();
          });
      long committed = System.nanoTime();
      jobTimes.record(marks[0] - started, TimeUnit.NANOSECONDS);
      rowTimes.record(marks[1] - marks[0], TimeUnit.NANOSECONDS);
      commitTimes.record(committed - marks[1], TimeUnit.NANOSECONDS);
    } catch (RuntimeException batchFailed) {
      // Nothing of the batch is durable: each job gets a transaction of its own.
      log.warn("A group commit of {} failed ({}); retrying each alone", batch.size(), batchFailed);
      batch.forEach(this::retryAlone);
      return;
    } finally {
      batchTimes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
    for (int i = 0; i < batch.size(); i++) {
      complete(batch.get(i), results[i], failures[i]);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> void complete(Pending<T> pending, Object result, RuntimeException failure) {
    if (failure == null) {
      pending.answer().complete((T) result);
    } else if (failure instanceof DuplicateKeyException) {
      // The job's own outcome (a repeated message): its caller decides what it means.
      pending.answer().completeExceptionally(failure);
    } else {
      // Perhaps a deadlock with another node or a lock timeout: its writes were undone, try again.
      retryAlone(pending);
    }
  }

  private <T> void retryAlone(Pending<T> pending) {
    try {
      pending.answer().complete(alone(pending.job()));
    } catch (RuntimeException e) {
      pending.answer().completeExceptionally(e);
    }
  }

  private <T> T alone(Job<T> job) {
    return transactions.execute(
        status -> {
          BatchStep step = new BatchStep(status);
          T result = job.run(step);
          Deferred deferred = new Deferred();
          step.handOver(deferred);
          deferred.writeAll();
          return result;
        });
  }

  /** The rows a batch's jobs deferred, by sink, in the order the sinks were first used. */
  private static final class Deferred {
    private final Map<Sink<?>, List<Object>> rows = new LinkedHashMap<>();

    void add(Sink<?> sink, Object row) {
      rows.computeIfAbsent(sink, s -> new ArrayList<>()).add(row);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void writeAll() {
      rows.forEach((sink, list) -> ((Sink) sink).writeAll(list));
    }
  }

  /** One job's step: its savepoint, once marked, and the rows it deferred so far. */
  private static final class BatchStep implements Step {
    private final TransactionStatus status;
    private final List<Map.Entry<Sink<?>, Object>> rows = new ArrayList<>();
    private Object savepoint;
    private int rowsAtMark;

    BatchStep(TransactionStatus status) {
      this.status = status;
    }

    @Override
    public void mark() {
      if (savepoint != null) {
        status.releaseSavepoint(savepoint);
      }
      savepoint = status.createSavepoint();
      rowsAtMark = rows.size();
    }

    boolean marked() {
      return savepoint != null;
    }

    @Override
    public void rollback() {
      if (savepoint == null) {
        throw new IllegalStateException("rollback() without mark()");
      }
      status.rollbackToSavepoint(savepoint);
      rows.subList(rowsAtMark, rows.size()).clear();
    }

    @Override
    public <R> void later(Sink<R> sink, R row) {
      rows.add(Map.entry(sink, row));
    }

    void handOver(Deferred deferred) {
      rows.forEach(e -> deferred.add(e.getKey(), e.getValue()));
    }
  }

  @Override
  public void start() {
    running = true;
    for (int i = 0; i < queues.size(); i++) {
      BlockingQueue<Pending<?>> queue = queues.get(i);
      writers.add(
          Thread.ofPlatform().name("group-commit-" + i).daemon(true).start(() -> loop(queue)));
    }
  }

  @Override
  public void stop() {
    running = false;
    for (Thread writer : writers) {
      try {
        writer.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writers.clear();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    // Lower than the web server's phases: started before it, stopped after its graceful shutdown
    // let the requests in flight finish.
    return Integer.MAX_VALUE - 4096;
  }
}
