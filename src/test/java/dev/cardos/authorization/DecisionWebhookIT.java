package dev.cardos.authorization;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cardos.authorization.Issuer.TestCard;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tenant's decision webhook, with the tenant played by a real HTTP server on this machine:
 * approvals and declines with their reasons and metadata, the budget and the stand-in, errors, the
 * circuit breaker, and what the signed request carries.
 */
@ServerTest
class DecisionWebhookIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String APPROVE = "{\"approved\": true}";

  @LocalServerPort int port;

  private TestApi api;
  private Issuer issuer;
  private TenantEndpoint tenant;

  @BeforeEach
  void newIssuerAndEndpoint() throws IOException {
    api = new TestApi(port);
    issuer = Issuer.create(api);
    tenant = new TenantEndpoint();
  }

  @AfterEach
  void stopEndpoint() {
    tenant.close();
  }

  // ------------------------------------------------------------------ the tenant decides

  @Test
  void aFastApprovalIsTheTenantsDecisionWithItsLatencyAndMetadata() {
    tenant.answer(
        200,
        """
        {"approved": true, "reason": "known customer",
         "metadata": {"risk_score": 12, "rule": "allow_groceries"}}
        """,
        0);
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "decline");

    JsonNode a = issuer.authorize(card.id(), 2_500);

    assertThat(a.get("approved").asBoolean()).isTrue();
    assertThat(a.get("response_code").asString()).isEqualTo("00");
    assertThat(a.get("decision_source").asString()).isEqualTo("webhook");
    assertThat(a.get("webhook_latency_ms").isNull()).isFalse();
    assertThat(a.get("webhook_latency_ms").asInt()).isBetween(0, 2_000);
    assertThat(a.get("webhook_reason").asString()).isEqualTo("known customer");
    assertThat(a.get("webhook_metadata").get("risk_score").asInt()).isEqualTo(12);
    assertThat(a.get("webhook_metadata").get("rule").asString()).isEqualTo("allow_groceries");
    assertThat(a.get("hold_id").isNull()).isFalse();
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isEqualTo(2_500);
    assertThat(tenant.calls()).isEqualTo(1);

    JsonNode stored = issuer.authorizationById(a.get("id").asString());
    assertThat(stored.get("decision_source").asString()).isEqualTo("webhook");
    assertThat(stored.get("webhook_latency_ms").asInt())
        .isEqualTo(a.get("webhook_latency_ms").asInt());
    assertThat(stored.get("webhook_metadata")).isEqualTo(a.get("webhook_metadata"));
    assertThat(stored.get("webhook_reason").asString()).isEqualTo("known customer");
  }

  @Test
  void theTenantsDeclineIsStoredWithItsReasonAndHoldsNothing() {
    tenant.answer(
        200,
        "{\"approved\": false, \"reason\": \"merchant not on the allow list\","
            + " \"metadata\": {\"rule\": \"r7\"}}",
        0);
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "approve");

    JsonNode a = issuer.authorize(card.id(), 2_500);

    assertThat(a.get("approved").asBoolean()).isFalse();
    assertThat(a.get("decline_reason").asString()).isEqualTo("webhook_declined");
    assertThat(a.get("response_code").asString()).isEqualTo("05");
    assertThat(a.get("decision_source").asString()).isEqualTo("webhook");
    assertThat(a.get("webhook_reason").asString()).isEqualTo("merchant not on the allow list");
    assertThat(a.get("explanation").asString()).contains("merchant not on the allow list");
    assertThat(a.get("webhook_metadata").get("rule").asString()).isEqualTo("r7");
    assertThat(a.get("hold_id").isNull()).isTrue();
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isZero();
    JsonNode stored = issuer.authorizationById(a.get("id").asString());
    assertThat(stored.get("decline_reason").asString()).isEqualTo("webhook_declined");
    assertThat(stored.get("webhook_reason").asString()).isEqualTo("merchant not on the allow list");
  }

  @Test
  void theTenantIsNotAskedWhenAnInternalCheckDeclines() {
    tenant.answer(200, APPROVE, 0);
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "approve");
    expect(issuer.post("/v1/cards/" + card.id() + "/freeze", null), 200);

    JsonNode frozen = issuer.authorize(card.id(), 100);
    JsonNode tooMuch = issuer.authorize(card.id(), 1_000_000);

    assertThat(frozen.get("decline_reason").asString()).isEqualTo("card_frozen");
    assertThat(frozen.get("decision_source").asString()).isEqualTo("internal");
    assertThat(tooMuch.get("decline_reason").asString()).isEqualTo("card_frozen");
    expect(issuer.post("/v1/cards/" + card.id() + "/unfreeze", null), 200);
    assertThat(issuer.authorize(card.id(), 1_000_000).get("decline_reason").asString())
        .isEqualTo("insufficient_funds");
    assertThat(tenant.calls()).isZero();
  }

  // ------------------------------------------------------------------ budget and stand-in

  @Test
  void aSlowTenantIsCutOffAtTheBudgetAndTheStandInDeclines() {
    tenant.answer(200, APPROVE, 200);
    TestCard card = cardWithWebhook(tenant.url(), 50, "decline");

    long started = System.nanoTime();
    JsonNode a = issuer.authorize(card.id(), 2_500);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(a.get("approved").asBoolean()).isFalse();
    assertThat(a.get("decline_reason").asString()).isEqualTo("webhook_timeout");
    assertThat(a.get("response_code").asString()).isEqualTo("91");
    assertThat(a.get("decision_source").asString()).isEqualTo("stand_in");
    assertThat(a.get("explanation").asString()).contains("50 ms");
    assertThat(a.get("decision_latency_ms").asInt()).isLessThan(1_000);
    assertThat(took).isLessThan(Duration.ofSeconds(2));
    assertThat(a.get("hold_id").isNull()).isTrue();
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isZero();
  }

  @Test
  void aSlowTenantIsCutOffAtTheBudgetAndTheStandInApproves() {
    tenant.answer(200, "{\"approved\": false, \"reason\": \"too late to matter\"}", 200);
    TestCard card = cardWithWebhook(tenant.url(), 50, "approve");

    long started = System.nanoTime();
    JsonNode a = issuer.authorize(card.id(), 2_500);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(a.get("approved").asBoolean()).isTrue();
    assertThat(a.get("response_code").asString()).isEqualTo("00");
    assertThat(a.get("decision_source").asString()).isEqualTo("stand_in");
    assertThat(a.get("decline_reason").isNull()).isTrue();
    assertThat(a.get("webhook_reason").isNull()).isTrue();
    assertThat(a.get("explanation").asString()).contains("stand-in");
    assertThat(a.get("decision_latency_ms").asInt()).isLessThan(1_000);
    assertThat(took).isLessThan(Duration.ofSeconds(2));
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isEqualTo(2_500);
  }

  @Test
  void aTenantThatTricklesItsAnswerIsCutOffAtTheBudgetToo() throws Exception {
    // Headers at once, then one byte of the body every 20 ms: no single socket wait is longer than
    // the budget, yet the answer would take two seconds.
    try (ServerSocket server = new ServerSocket(0)) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (var socket = server.accept();
                    var in = socket.getInputStream();
                    var out = socket.getOutputStream()) {
                  byte[] buffer = new byte[8192];
                  in.read(buffer);
                  String answer = APPROVE + " ".repeat(100);
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                              + answer.length()
                              + "\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  for (byte b : answer.getBytes(StandardCharsets.US_ASCII)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(20);
                  }
                } catch (IOException | InterruptedException e) {
                  // The client hung up, as it should.
                }
              });
      TestCard card =
          cardWithWebhook("http://127.0.0.1:" + server.getLocalPort() + "/decide", 50, "decline");

      long started = System.nanoTime();
      JsonNode a = issuer.authorize(card.id(), 2_500);
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(a.get("approved").asBoolean()).isFalse();
      assertThat(a.get("decline_reason").asString()).isEqualTo("webhook_timeout");
      assertThat(a.get("decision_source").asString()).isEqualTo("stand_in");
      assertThat(took).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void anHttpErrorIsAWebhookErrorAndTheStandInDeclines() {
    tenant.answer(500, "{\"approved\": true}", 0);
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "decline");

    JsonNode a = issuer.authorize(card.id(), 2_500);

    assertWebhookError(a, "HTTP 500");
    assertThat(tenant.calls()).isEqualTo(1);
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isZero();
  }

  @Test
  void anHttpErrorWithAnApprovingStandInIsApproved() {
    tenant.answer(503, "", 0);
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "approve");

    JsonNode a = issuer.authorize(card.id(), 2_500);

    assertThat(a.get("approved").asBoolean()).isTrue();
    assertThat(a.get("decision_source").asString()).isEqualTo("stand_in");
    assertThat(a.get("explanation").asString()).contains("HTTP 503");
    assertThat(issuer.balances(card.accountId()).get("held").asLong()).isEqualTo(2_500);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "not json at all",
        "{\"approved\": \"yes\"}",
        "{\"reason\": \"forgot the decision\"}",
        "[true]",
        "{\"approved\": true"
      })
  void aMalformedAnswerIsAWebhookError(String body) {
    tenant.answer(200, body, 0);
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "decline");

    JsonNode a = issuer.authorize(card.id(), 2_500);

    assertWebhookError(a, "");
    assertThat(tenant.calls()).isEqualTo(1);
  }

  @Test
  void aRefusedConnectionIsAWebhookError() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    TestCard card =
        cardWithWebhook(
            "http://127.0.0.1:" + closed + "/decide/" + UUID.randomUUID(), 2_000, "decline");

    long started = System.nanoTime();
    JsonNode a = issuer.authorize(card.id(), 2_500);

    assertWebhookError(a, "");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  // ------------------------------------------------------------------ the breaker

  @Test
  void afterFiveFailuresTheBreakerStopsCallingTheEndpointAndDeclinesAtOnce() throws IOException {
    tenant.answer(500, "{}", 0);
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "decline");
    for (int i = 1; i <= 5; i++) {
      assertWebhookError(issuer.authorize(card.id(), 100), "HTTP 500");
      assertThat(tenant.calls()).isEqualTo(i);
    }
    tenant.answer(200, APPROVE, 0);

    // Open for a second (the breaker's own test follows it longer): two calls at once are refused.
    for (int i = 0; i < 2; i++) {
      long started = System.nanoTime();
      JsonNode a = issuer.authorize(card.id(), 100);
      assertWebhookError(a, "circuit open");
      assertThat(a.get("webhook_latency_ms").asInt()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
    assertThat(tenant.calls()).as("the open breaker calls nobody").isEqualTo(5);

    try (TenantEndpoint healthy = new TenantEndpoint()) {
      healthy.answer(200, APPROVE, 0);
      TestCard other = cardWithWebhook(healthy.url(), 2_000, "decline");
      assertThat(issuer.authorize(other.id(), 100).get("approved").asBoolean())
          .as("another endpoint has a breaker of its own")
          .isTrue();
      assertThat(healthy.calls()).isEqualTo(1);
    }
  }

  @Test
  void aSuccessBetweenFailuresKeepsTheBreakerClosed() {
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "decline");
    for (int round = 0; round < 2; round++) {
      tenant.answer(500, "{}", 0);
      for (int i = 0; i < 4; i++) {
        assertWebhookError(issuer.authorize(card.id(), 100), "HTTP 500");
      }
      tenant.answer(200, APPROVE, 0);
      assertThat(issuer.authorize(card.id(), 100).get("approved").asBoolean()).isTrue();
    }

    assertThat(tenant.calls()).isEqualTo(10);
  }

  // ------------------------------------------------------------------ the request

  @Test
  void theRequestIsSignedTheStandardWebhooksWay() throws Exception {
    tenant.answer(200, APPROVE, 0);
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "decline");
    String secret =
        expect(issuer.get("/v1/programs/" + card.programId() + "/webhook-secret"), 200)
            .text("secret");
    assertThat(secret).startsWith("whsec_");

    JsonNode a = issuer.authorize(card.id(), 2_500);

    Received request = tenant.received().getFirst();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.header("content-type")).startsWith("application/json");
    assertThat(request.header("webhook-id")).isEqualTo("msg_" + a.get("id").asString());
    long timestamp = Long.parseLong(request.header("webhook-timestamp"));
    assertThat(timestamp)
        .isBetween(System.currentTimeMillis() / 1000 - 120, System.currentTimeMillis() / 1000 + 5);
    assertThat(request.header("webhook-signature")).startsWith("v1,");

    new Webhook(secret).verify(request.body(), request.headers());

    assertThatThrownBy(
            () ->
                new Webhook(secret)
                    .verify(request.body().replace("2500", "2501"), request.headers()))
        .isInstanceOf(WebhookVerificationException.class);
    String otherSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
    assertThatThrownBy(() -> new Webhook(otherSecret).verify(request.body(), request.headers()))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void thePayloadCarriesTheCardTheAmountsTheMerchantAndTheBalancesButNeverTheNumber() {
    tenant.answer(200, APPROVE, 0);
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "decline");
    JsonNode sensitive = issuer.sensitive(card.id());
    String pan = sensitive.get("pan").asString();
    JsonNode cardJson = expect(issuer.get("/v1/cards/" + card.id()), 200).body();

    JsonNode a =
        issuer.authorize(
            Issuer.authorization(
                card.id(), 2_500, "USD", "ecommerce", "m_books", "5942", "GB", ""));

    String raw = tenant.received().getFirst().body();
    JsonNode payload = JSON.readTree(raw);
    assertThat(payload.get("authorization_id").asString()).isEqualTo(a.get("id").asString());
    assertThat(payload.get("card_id").asString()).isEqualTo(card.id());
    assertThat(payload.get("last4").asString())
        .isEqualTo(cardJson.get("last4").asString())
        .isEqualTo(pan.substring(pan.length() - 4));
    assertThat(payload.get("cardholder_id").asString()).isEqualTo(card.cardholderId());
    assertThat(payload.get("amount").asLong()).isEqualTo(2_500);
    assertThat(payload.get("currency").asString()).isEqualTo("USD");
    assertThat(payload.get("card_amount").asLong()).isEqualTo(2_500);
    assertThat(payload.get("card_currency").asString()).isEqualTo("USD");
    assertThat(payload.get("channel").asString()).isEqualTo("ecommerce");
    JsonNode merchant = payload.get("merchant");
    assertThat(merchant.get("id").asString()).isEqualTo("m_books");
    assertThat(merchant.get("name").asString()).isEqualTo("Corner Shop");
    assertThat(merchant.get("mcc").asString()).isEqualTo("5942");
    assertThat(merchant.get("country").asString()).isEqualTo("GB");
    JsonNode balances = payload.get("balances");
    assertThat(balances.get("ledger").asLong()).isEqualTo(10_000);
    assertThat(balances.get("held").asLong()).isZero();
    assertThat(balances.get("available").asLong()).isEqualTo(10_000);
    assertThat(raw).doesNotContain(pan).doesNotContain(pan.substring(0, 12));
    assertThat(raw).doesNotContain("cvv").doesNotContain("\"pan\"");
    for (Received r : tenant.received()) {
      r.headers().values().forEach(v -> assertThat(v.toString()).doesNotContain(pan));
    }
  }

  @Test
  void thePayloadCarriesTheControlsThatApplied() {
    tenant.answer(200, APPROVE, 0);
    TestCard card = cardWithWebhook(tenant.url(), 2_000, "decline");
    issuer.putCardControls(card.id(), "{\"per_transaction_limit\": 77777}");

    issuer.authorize(card.id(), 2_500);

    JsonNode payload = JSON.readTree(tenant.received().getFirst().body());
    boolean found = false;
    for (Map.Entry<String, JsonNode> field : payload.properties()) {
      if (field.getKey().contains("controls") && field.getValue().toString().contains("77777")) {
        found = true;
      }
    }
    assertThat(found).as("a controls field with the card's limit in %s", payload).isTrue();
  }

  // ------------------------------------------------------------------ helpers

  private TestCard cardWithWebhook(String url, int budgetMs, String standIn) {
    String program =
        issuer.program(
            "b2c",
            ", \"decision_webhook\": {\"url\": \"%s\", \"budget_ms\": %d, \"stand_in\": \"%s\"}"
                .formatted(url, budgetMs, standIn));
    return issuer.b2cCardOn(program, 10_000);
  }

  private static void assertWebhookError(JsonNode a, String explanation) {
    assertThat(a.get("approved").asBoolean()).as("%s", a).isFalse();
    assertThat(a.get("decline_reason").asString()).as("%s", a).isEqualTo("webhook_error");
    assertThat(a.get("response_code").asString()).isEqualTo("91");
    assertThat(a.get("decision_source").asString()).isEqualTo("stand_in");
    assertThat(a.get("explanation").asString()).contains(explanation).contains("stand-in declines");
    assertThat(a.get("hold_id").isNull()).isTrue();
  }

  /** One request the tenant received; header names lower case. */
  record Received(String method, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.getFirst();
    }
  }

  /**
   * The tenant's decision endpoint: a real HTTP server on 127.0.0.1 that records each request and
   * answers with the status and body it was told, after an optional delay (a slow tenant).
   */
  static final class TenantEndpoint implements AutoCloseable {

    private record Reply(int status, String body, long delayMillis) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final String path = "/decide/" + UUID.randomUUID();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Reply reply = new Reply(200, APPROVE, 0);

    TenantEndpoint() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(path, this::handle);
      server.setExecutor(executor);
      server.start();
    }

    void answer(int status, String body, long delayMillis) {
      reply = new Reply(status, body, delayMillis);
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int calls() {
      return calls.get();
    }

    List<Received> received() {
      assertThat(received).as("requests the tenant received").isNotEmpty();
      return received;
    }

    private void handle(HttpExchange exchange) throws IOException {
      calls.incrementAndGet();
      Reply r = reply;
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, List<String>> headers = new HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
      received.add(new Received(exchange.getRequestMethod(), headers, body));
      try {
        if (r.delayMillis() > 0) {
          Thread.sleep(r.delayMillis()); // the tenant is slow; nothing waits on this
        }
        byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException gone) {
        // The caller stopped waiting (its budget ran out) and closed the connection.
      } finally {
        exchange.close();
      }
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
