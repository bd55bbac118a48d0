package dev.cardos.bench;

import com.solab.iso8583.IsoMessage;
import dev.cardos.iso8583.Iso8583Client;
import dev.cardos.iso8583.Layout;
import dev.cardos.iso8583.NetworkRequests;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * Drives {@code POST /v1/network/authorizations} at a set of cards, the way a network would: every
 * message has a network transaction id of its own, a card number, expiry and (online) CVV2, and a
 * realistic mix of amounts, merchants, countries and channels, about a tenth of them meant to be
 * declined (a blocked MCC, over the per-transaction limit, more than the card holds). Latency is
 * measured from when a request was due (open loop) or sent (closed loop) to its answer.
 */
final class Load implements AutoCloseable {

  private static final String[] MCCS = {"5411", "5812", "5999", "4111", "5541", "5732", "5912"};
  private static final String[] COUNTRIES = {"US", "US", "US", "US", "GB", "DE", "CA"};
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final java.util.concurrent.atomic.AtomicInteger STANS =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Apache HttpClient's classic, blocking client on each request's own virtual thread, as the
   * decision webhook uses: the JDK's asynchronous client hands every exchange to its selector
   * thread and back. The load generator shares the cores it measures, so it should cost little:
   * this one spends about a fifth less CPU per request (docs/benchmarks.md).
   */
  private final CloseableHttpClient http =
      HttpClients.custom()
          .setConnectionManager(
              PoolingHttpClientConnectionManagerBuilder.create()
                  .setMaxConnTotal(8_192)
                  .setMaxConnPerRoute(8_192)
                  .setDefaultConnectionConfig(
                      ConnectionConfig.custom()
                          .setConnectTimeout(Timeout.ofSeconds(5))
                          .setSocketTimeout(Timeout.ofSeconds(10))
                          .build())
                  .build())
          .disableAutomaticRetries()
          .disableRedirectHandling()
          .disableCookieManagement()
          .build();

  private final List<URI> nodes;
  private final String networkKey;
  private final String runId;
  private final List<Iso8583Client> iso;
  private final NetworkRequests isoRequests;

  /** Over JSON ({@code iso} empty) or over ISO 8583 connections (one or more per node). */
  Load(List<String> nodeUrls, String networkKey, String runId, List<Iso8583Client> iso) {
    this.nodes = nodeUrls.stream().map(u -> URI.create(u + "/v1/network/authorizations")).toList();
    this.networkKey = networkKey;
    this.runId = runId;
    this.iso = iso;
    // A network institution id of its own per run, so message ids never meet an earlier run's.
    this.isoRequests =
        new NetworkRequests(String.format("%06d", Math.floorMod(runId.hashCode(), 1_000_000)));
  }

  Load(List<String> nodeUrls, String networkKey, String runId) {
    this(nodeUrls, networkKey, runId, List.of());
  }

  @Override
  public void close() {
    http.close(CloseMode.IMMEDIATE);
  }

  /** What a phase saw. Amounts are minor units of USD, the only currency the fleet uses. */
  static final class Result {
    final Histogram latencyMicros = new ConcurrentHistogram(3_600_000_000L, 3);

    /**
     * Latency of the answers that waited on the decision webhook until it failed or timed out and
     * the stand-in decided: what a webhook budget target is about (an open breaker's immediate
     * stand-ins are not among them).
     */
    final Histogram standInAfterWaitMicros = new ConcurrentHistogram(3_600_000_000L, 3);

    /**
     * Open loop only: for each answer, when it was due ({@link System#nanoTime()}) and how long it
     * took (µs), to see whether the slow answers come together (a stall) or spread out (queueing).
     */
    final java.util.Queue<long[]> timeline = new java.util.concurrent.ConcurrentLinkedQueue<>();

    final LongAdder sent = new LongAdder();
    final LongAdder approved = new LongAdder();
    final LongAdder approvedAmount = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder unansweredAmount = new LongAdder();
    final Map<String, LongAdder> declines = new ConcurrentHashMap<>();
    final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    volatile long elapsedNanos;

    double perSecond() {
      return (sent.sum() - errors.sum()) / (elapsedNanos / 1e9);
    }

    long declined() {
      return declines.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> declineBreakdown() {
      Map<String, Long> out = new TreeMap<>();
      declines.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }

    Map<String, Long> errorBreakdown() {
      Map<String, Long> out = new TreeMap<>();
      errorKinds.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }
  }

  /** {@code concurrency} clients, each sending its next request as soon as the last is answered. */
  Result closedLoop(List<Fleet.Card> cards, int concurrency, Duration duration) {
    Result result = new Result();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < concurrency; c++) {
        clients.submit(
            () -> {
              while (System.nanoTime() < end) {
                long sent = System.nanoTime();
                one(cards, result, sent);
              }
            });
      }
    }
    result.elapsedNanos = System.nanoTime() - start;
    return result;
  }

  /**
   * Requests due at a fixed rate whether or not earlier ones were answered; each latency counts
   * from when the request was due, so a stall shows in every request it delayed (no coordinated
   * omission). At most {@code maxInFlight} are outstanding; beyond that the run is overloaded.
   */
  Result openLoop(List<Fleet.Card> cards, double perSecond, Duration duration, int maxInFlight) {
    Result result = new Result();
    Semaphore inFlight = new Semaphore(maxInFlight);
    long period = (long) (1e9 / perSecond);
    long start = System.nanoTime();
    long total = (long) (perSecond * duration.toSeconds());
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (long i = 0; i < total; i++) {
        long due = start + i * period;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        inFlight.acquireUninterruptibly();
        clients.submit(
            () -> {
              try {
                one(cards, result, due);
                result.timeline.add(new long[] {due, (System.nanoTime() - due) / 1_000});
              } finally {
                inFlight.release();
              }
            });
      }
    }
    result.elapsedNanos = System.nanoTime() - start;
    return result;
  }

  private void one(List<Fleet.Card> cards, Result result, long dueNanos) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Fleet.Card card = cards.get(random.nextInt(cards.size()));
    double kind = random.nextDouble();
    String mcc = MCCS[random.nextInt(MCCS.length)];
    long amount = 100 + (long) Math.abs(random.nextGaussian() * 4_000);
    if (kind < 0.04) {
      mcc = "7995"; // gambling, blocked by the program
    } else if (kind < 0.07) {
      amount = Fleet.PER_TRANSACTION_LIMIT + 1 + random.nextInt(100_000);
    } else if (kind < 0.10) {
      amount = Fleet.CARD_BALANCE + 1 + random.nextInt(100_000);
    }
    boolean online = random.nextBoolean();
    if (!iso.isEmpty()) {
      isoOne(card, amount, mcc, online, result, dueNanos);
      return;
    }
    String body =
        """
        {"network_transaction_id": "%s-%d", "pan": "%s", "expiry": "%s"%s,
         "amount": %d, "currency": "USD", "channel": "%s",
         "merchant": {"id": "M%05d", "name": "Merchant %d", "mcc": "%s", "city": "Austin",
                      "country": "%s"}}
        """
            .formatted(
                runId,
                SEQUENCE.incrementAndGet(),
                card.pan(),
                card.expiry(),
                online ? ", \"cvv2\": \"" + card.cvv2() + "\"" : "",
                amount,
                online ? "ecommerce" : "pos",
                random.nextInt(5_000),
                random.nextInt(5_000),
                mcc,
                COUNTRIES[random.nextInt(COUNTRIES.length)]);
    URI node = nodes.get(random.nextInt(nodes.size()));
    HttpPost post = new HttpPost(node);
    post.setHeader("Authorization", "Bearer " + networkKey);
    post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
    result.sent.increment();
    try {
      String[] reply =
          http.execute(
              post,
              response ->
                  new String[] {
                    Integer.toString(response.getCode()),
                    EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8)
                  });
      int status = Integer.parseInt(reply[0]);
      String answer = reply[1];
      long micros = (System.nanoTime() - dueNanos) / 1_000;
      result.latencyMicros.recordValue(Math.max(1, micros));
      if (status == 200
          && "stand_in".equals(text(answer, "decision_source"))
          && field(answer, "webhook_latency_ms", 0) > 0) {
        result.standInAfterWaitMicros.recordValue(Math.max(1, micros));
      }
      if (status != 200) {
        error(result, "http_" + status, amount);
      } else if (answer.contains("\"approved\":true")) {
        result.approved.increment();
        result.approvedAmount.add(field(answer, "card_amount", amount));
      } else {
        result
            .declines
            .computeIfAbsent(text(answer, "decline_reason"), k -> new LongAdder())
            .increment();
      }
    } catch (IOException e) {
      error(result, e.getClass().getSimpleName(), amount);
    }
  }

  /** The same request as an ISO 8583 0100; DE39 "00" approves, any other code declines. */
  private void isoOne(
      Fleet.Card card, long amount, String mcc, boolean online, Result result, long dueNanos) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Iso8583Client client = iso.get(random.nextInt(iso.size()));
    int merchant = random.nextInt(5_000);
    IsoMessage request =
        isoRequests.presentment(
            0x100,
            // One STAN sequence for all connections: the network names a message by acquirer,
            // transmission time and STAN, so two connections must never reuse one in a second.
            String.format("%06d", STANS.updateAndGet(n -> n >= 999_999 ? 1 : n + 1)),
            java.time.Instant.now(),
            new NetworkRequests.Plastic(card.pan(), card.expiry(), online ? card.cvv2() : null),
            "00",
            amount,
            "USD",
            new NetworkRequests.Merchant(
                String.format("M%05d", merchant),
                "Merchant " + merchant,
                mcc,
                "Austin",
                COUNTRIES[random.nextInt(COUNTRIES.length)],
                String.format("T%07d", random.nextInt(10_000_000)),
                online ? "59" : "00"));
    result.sent.increment();
    try {
      IsoMessage answer = client.send(request).get();
      result.latencyMicros.recordValue(Math.max(1, (System.nanoTime() - dueNanos) / 1_000));
      String code = Layout.text(answer, Layout.RESPONSE_CODE);
      if ("00".equals(code)) {
        result.approved.increment();
        result.approvedAmount.add(amount);
      } else {
        result.declines.computeIfAbsent("de39_" + code, k -> new LongAdder()).increment();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      error(result, e.getCause().getClass().getSimpleName(), amount);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(result, "interrupted", amount);
    }
  }

  private static void error(Result result, String kind, long amount) {
    result.errors.increment();
    result.unansweredAmount.add(amount);
    result.errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  private static String text(String json, String field) {
    String marker = "\"" + field + "\":\"";
    int at = json.indexOf(marker);
    if (at < 0) {
      return "unknown";
    }
    int from = at + marker.length();
    return json.substring(from, json.indexOf('"', from));
  }

  private static long field(String json, String field, long fallback) {
    String marker = "\"" + field + "\":";
    int at = json.indexOf(marker);
    if (at < 0) {
      return fallback;
    }
    int from = at + marker.length();
    int to = from;
    while (to < json.length() && Character.isDigit(json.charAt(to))) {
      to++;
    }
    return to == from ? fallback : Long.parseLong(json, from, to, 10);
  }
}
