package dev.cardos.events;

import static dev.cardos.events.WebhookTenant.data;
import static dev.cardos.events.WebhookTenant.ids;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.cardos.cards.CardFixtures;
import dev.cardos.cards.CardFixtures.Setup;
import dev.cardos.cards.CardNumberScan;
import dev.cardos.events.Receiver.Request;
import dev.cardos.events.WebhookTenant.Endpoint;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Event delivery by webhooks (SPEC §6) to real local receivers: the Standard Webhooks body, headers
 * and signature checked with the independent library, who gets which event (subscriptions, tenants,
 * modes), retries with one message id, the delivery log, 410 disabling the endpoint, redelivery,
 * catching up through {@code GET /v1/events}, deletion, and no card number or secret in what is
 * sent.
 */
@WebhookServerTest
class WebhookDeliveryIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private TestApi api;
  private final List<Receiver> receivers = new ArrayList<>();

  @BeforeEach
  void connect() {
    api = new TestApi(port);
  }

  @AfterEach
  void stopReceivers() {
    receivers.forEach(Receiver::close);
  }

  private Receiver receiver() {
    Receiver receiver = Receiver.start();
    receivers.add(receiver);
    return receiver;
  }

  @Test
  void anEndpointForEveryTypeReceivesADepositSignedAsStandardWebhooksSays() throws Exception {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver receiver = receiver();
    Endpoint endpoint = tenant.endpoint(receiver.url(), "*");
    assertThat(endpoint.id()).startsWith("we_");
    assertThat(endpoint.secret()).startsWith("whsec_");
    String account = tenant.fundingAccount();

    String deposit = tenant.deposit(account, 3_000);
    String eventId = tenant.eventFor("deposit.received", deposit);
    Request request = receiver.awaitFirst(eventId);

    // The body: exactly id, type, created_at and data, the same event GET /v1/events/{id} shows.
    JsonNode body = JSON.readTree(request.body());
    assertThat(body.propertyNames()).containsExactlyInAnyOrder("id", "type", "created_at", "data");
    assertThat(body.get("id").asString()).isEqualTo(eventId);
    assertThat(body.get("type").asString()).isEqualTo("deposit.received");
    JsonNode event = expect(tenant.get("/v1/events/" + eventId), 200).body();
    assertThat(Instant.parse(body.get("created_at").asString()))
        .isEqualTo(Instant.parse(event.get("created_at").asString()));
    assertThat(body.get("data")).isEqualTo(event.get("data"));
    assertThat(body.get("data").get("id").asString()).isEqualTo(deposit);
    assertThat(body.get("data").get("account_id").asString()).isEqualTo(account);
    assertThat(body.get("data").get("amount").asLong()).isEqualTo(3_000);

    // The headers: the event id as message id, a current timestamp, one v1 signature.
    assertThat(request.header("Content-Type")).startsWith("application/json");
    assertThat(request.webhookId()).isEqualTo(eventId);
    long timestamp = Long.parseLong(request.header("webhook-timestamp"));
    assertThat(timestamp)
        .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
    assertThat(request.header("webhook-signature")).matches("v1,[A-Za-z0-9+/]{43}=");

    // The independent library accepts it with the secret the create answer showed.
    assertThatCode(() -> request.verify(endpoint.secret())).doesNotThrowAnyException();
  }

  @Test
  void theReceiversLibraryRejectsATamperedBodyAWrongSecretAndAStaleTimestamp() throws Exception {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver receiver = receiver();
    Endpoint endpoint = tenant.endpoint(receiver.url(), "*");
    String eventId = tenant.depositEvent(3_000);
    Request request = receiver.awaitFirst(eventId);
    request.verify(endpoint.secret());

    String tampered = request.body().replace("3000", "3001");
    assertThat(tampered).isNotEqualTo(request.body());
    assertThatThrownBy(() -> new Webhook(endpoint.secret()).verify(tampered, request.headers()))
        .isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("No matching signature");

    byte[] other = new byte[32];
    new SecureRandom().nextBytes(other);
    String wrongSecret = "whsec_" + Base64.getEncoder().encodeToString(other);
    assertThatThrownBy(() -> request.verify(wrongSecret))
        .isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("No matching signature");
    // Another endpoint's real secret does not verify either.
    Endpoint second = tenant.endpoint(receiver.url(), "transfer.completed");
    assertThatThrownBy(() -> request.verify(second.secret()))
        .isInstanceOf(WebhookVerificationException.class);

    // A replay six minutes later: even correctly signed for that timestamp, it is refused as old.
    long stale = Long.parseLong(request.header("webhook-timestamp")) - 360;
    Map<String, List<String>> staleHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    staleHeaders.putAll(request.headers());
    staleHeaders.put("webhook-timestamp", List.of(Long.toString(stale)));
    staleHeaders.put(
        "webhook-signature",
        List.of(new Webhook(endpoint.secret()).sign(eventId, stale, request.body())));
    assertThatThrownBy(() -> new Webhook(endpoint.secret()).verify(request.body(), staleHeaders))
        .isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("too old");
  }

  @Test
  void anEndpointSubscribedToTransfersOnlyDoesNotGetDeposits() {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver receiver = receiver();
    Endpoint endpoint = tenant.endpoint(receiver.url(), "transfer.completed");
    String funding = tenant.fundingAccount();
    String deposit = tenant.deposit(funding, 10_000);
    String cardholder =
        expect(tenant.post("/v1/cardholders", TestApi.cardholderJson("transfer-to")), 201).id();
    String wallet =
        expect(
                tenant.post(
                    "/v1/accounts",
                    "{\"kind\": \"wallet\", \"currency\": \"USD\", \"cardholder_id\": \"%s\"}"
                        .formatted(cardholder)),
                201)
            .id();

    String transfer =
        expect(
                tenant.post(
                    "/v1/transfers",
                    """
                    {"from_account_id": "%s", "to_account_id": "%s", "amount": 2500,
                     "currency": "USD"}
                    """
                        .formatted(funding, wallet)),
                201)
            .id();
    String transferEvent = tenant.eventFor("transfer.completed", transfer);
    receiver.awaitFirst(transferEvent);

    // Deliveries are made in event order, so the earlier deposit would have arrived first.
    assertThat(receiver.received()).extracting(Request::webhookId).containsExactly(transferEvent);
    String depositEvent = tenant.eventFor("deposit.received", deposit);
    assertThat(tenant.deliveries(depositEvent)).isEmpty();
    assertThat(tenant.delivery(transferEvent, endpoint.id())).isNotNull();
  }

  @Test
  void anotherTenantsEndpointNeverGetsThisTenantsEvents() {
    WebhookTenant owner = WebhookTenant.create(api, "test");
    WebhookTenant stranger = WebhookTenant.create(api, "test");
    Receiver ownersReceiver = receiver();
    Receiver strangersReceiver = receiver();
    owner.endpoint(ownersReceiver.url(), "*");
    Endpoint strangers = stranger.endpoint(strangersReceiver.url(), "*");

    String ownersEvent = owner.depositEvent(1_000);
    ownersReceiver.awaitFirst(ownersEvent);
    String strangersEvent = stranger.depositEvent(2_000);
    strangersReceiver.awaitFirst(strangersEvent);

    assertThat(strangersReceiver.received())
        .extracting(Request::webhookId)
        .containsExactly(strangersEvent);
    assertThat(ownersReceiver.received())
        .extracting(Request::webhookId)
        .containsExactly(ownersEvent);
    assertThat(
            jdbc.sql("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = :endpoint")
                .param("endpoint", strangers.id())
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void aTestModeEventNeverGoesToALiveEndpointOfTheSameTenant() {
    WebhookTenant test = WebhookTenant.create(api, "test");
    WebhookTenant live = test.inMode("live");
    Receiver receiver = receiver();
    Endpoint testEndpoint = test.endpoint(receiver.url(), "*");
    // A public address (TEST-NET-3): live mode accepts it; nothing may ever be sent there.
    Endpoint liveEndpoint = live.endpoint("https://203.0.113.10/hooks", "*");

    String eventId = test.depositEvent(1_000);
    receiver.awaitFirst(eventId);

    assertThat(test.deliveries(eventId))
        .extracting(d -> d.get("endpoint_id").asString())
        .containsExactly(testEndpoint.id());
    assertThat(
            jdbc.sql("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = :endpoint")
                .param("endpoint", liveEndpoint.id())
                .query(Long.class)
                .single())
        .isZero();
    // The live key does not even see the test event.
    assertThat(live.get("/v1/events/" + eventId).status()).isEqualTo(404);
    assertThat(ids(expect(live.get("/v1/events?limit=100"), 200))).doesNotContain(eventId);
  }

  @Test
  void aReceiverFailingTwiceGetsTheSameMessageThreeTimesAndTheLogShowsEveryAttempt()
      throws Exception {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver receiver = receiver().answer(503, 503);
    Endpoint endpoint = tenant.endpoint(receiver.url(), "*");

    String eventId = tenant.depositEvent(4_200);
    List<Request> requests = receiver.awaitFor(eventId, 3);
    awaitDelivered(tenant, eventId, endpoint);

    assertThat(requests).hasSize(3);
    assertThat(requests).extracting(Request::webhookId).containsOnly(eventId);
    assertThat(requests).extracting(Request::body).containsOnly(requests.getFirst().body());
    for (Request r : requests) {
      r.verify(endpoint.secret());
    }

    JsonNode delivery = tenant.delivery(eventId, endpoint.id());
    assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
    assertThat(delivery.get("delivered_at").isNull()).isFalse();
    List<JsonNode> log = new ArrayList<>();
    delivery.get("attempt_log").forEach(log::add);
    assertThat(log).extracting(a -> a.get("status_code").asInt()).containsExactly(503, 503, 200);
    assertThat(log)
        .allSatisfy(
            a -> {
              assertThat(a.get("latency_ms").isIntegralNumber()).isTrue();
              assertThat(a.get("latency_ms").asInt()).isNotNegative();
              assertThat(a.get("error").isNull()).isTrue();
            });
    // The retry delays of this server are 1 s and 1 s.
    List<Instant> at =
        log.stream().map(a -> Instant.parse(a.get("attempted_at").asString())).toList();
    assertThat(Duration.between(at.get(0), at.get(1)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(Duration.between(at.get(1), at.get(2)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
  }

  @Test
  void aReceiverAnswering410DisablesTheEndpointAndWritesAnEventSaying() {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver gone = receiver().answerAlways(410);
    Receiver watcher = receiver();
    Endpoint endpoint = tenant.endpoint(gone.url(), "*");
    tenant.endpoint(watcher.url(), "webhook_endpoint.disabled");

    String eventId = tenant.depositEvent(1_000);
    gone.awaitFirst(eventId);
    await()
        .atMost(WAIT)
        .until(
            () -> "disabled".equals(tenant.listedEndpoint(endpoint.id()).get("status").asString()));

    JsonNode listed = tenant.listedEndpoint(endpoint.id());
    assertThat(listed.get("disabled_reason").asString()).contains("410");
    JsonNode delivery = tenant.delivery(eventId, endpoint.id());
    assertThat(delivery.get("status").asString()).isEqualTo("failed");
    assertThat(delivery.get("attempt_log")).hasSize(1);
    assertThat(delivery.get("attempt_log").get(0).get("status_code").asInt()).isEqualTo(410);

    String disabledEvent = tenant.eventFor("webhook_endpoint.disabled", endpoint.id());
    JsonNode event = expect(tenant.get("/v1/events/" + disabledEvent), 200).body();
    assertThat(event.get("data").get("id").asString()).isEqualTo(endpoint.id());
    assertThat(event.get("data").get("reason").asString()).contains("410");
    // The other endpoint, subscribed to it, is told.
    watcher.awaitFirst(disabledEvent);

    // A disabled endpoint gets nothing more: a later event has no delivery to it.
    String later = tenant.depositEvent(2_000);
    assertThat(tenant.delivery(later, endpoint.id())).isNull();
    assertThat(gone.received()).hasSize(1);
  }

  @Test
  void aFailingStreakStartsAtTheFirstFailureAndTheNextSuccessEndsIt() {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver receiver = receiver().answer(503);
    Endpoint endpoint = tenant.endpoint(receiver.url(), "*");

    String eventId = tenant.depositEvent(1_500);
    // The retry is a second later: the streak is visible in between.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> failingSince(endpoint) != null);
    awaitDelivered(tenant, eventId, endpoint);
    await().atMost(WAIT).until(() -> failingSince(endpoint) == null);
    assertThat(tenant.listedEndpoint(endpoint.id()).get("status").asString()).isEqualTo("enabled");
  }

  @Test
  void anEndpointWhoseDeliveriesFailedForFiveDaysIsDisabledAtItsNextFailureOnce() {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver failing = receiver().answerAlways(500);
    Endpoint endpoint = tenant.endpoint(failing.url(), "deposit.received");
    jdbc.sql(
            "UPDATE webhook_endpoints SET failing_since = now() - interval '6 days' WHERE id = :id")
        .param("id", endpoint.id())
        .update();

    // Two events, so two failures may land in one recording: the endpoint is disabled once.
    tenant.depositEvent(1_000);
    tenant.depositEvent(2_000);
    await()
        .atMost(WAIT)
        .until(
            () -> "disabled".equals(tenant.listedEndpoint(endpoint.id()).get("status").asString()));
    assertThat(tenant.listedEndpoint(endpoint.id()).get("disabled_reason").asString())
        .contains("5 days");
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(
            () ->
                data(expect(
                            tenant.get(
                                "/v1/events?type=webhook_endpoint.disabled&object_id="
                                    + endpoint.id()),
                            200))
                        .size()
                    == 1);
  }

  @Test
  void sendsThatFinishTogetherAreRecordedTogetherEachDeliveredOnceOrRetried() {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    int events = 60; // more than one claim's batch
    Receiver ok = receiver().holdNext(events);
    Receiver failing = receiver().answerAlways(503).holdNext(events);
    Endpoint okEndpoint = tenant.endpoint(ok.url(), "deposit.received");
    Endpoint failingEndpoint = tenant.endpoint(failing.url(), "deposit.received");
    String account = tenant.fundingAccount();
    List<String> deposits = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      deposits.add(tenant.deposit(account, 100 + i));
    }
    // From the database, not the API: the key's rate limit is 100 requests a second.
    List<String> eventIds =
        jdbc.sql(
                """
                SELECT id FROM events
                WHERE type = 'deposit.received' AND object_id = ANY (CAST(:ids AS text[]))
                """)
            .param("ids", deposits.toArray(String[]::new))
            .query(String.class)
            .list();
    assertThat(eventIds).hasSize(events);
    await().atMost(WAIT).until(() -> ok.received().size() == events);
    await().atMost(WAIT).until(() -> failing.received().size() == events);
    // All 120 sends are in flight; released together, they finish together.
    ok.release();
    failing.release();

    await()
        .atMost(WAIT)
        .until(
            () ->
                jdbc.sql(
                            """
                            SELECT count(*) FROM webhook_deliveries
                            WHERE endpoint_id = :id AND status = 'delivered'
                            """)
                        .param("id", okEndpoint.id())
                        .query(Long.class)
                        .single()
                    == events);
    // Each delivered once, with one attempt logged, answered 200.
    assertThat(
            jdbc.sql(
                    """
                    SELECT count(*) FROM webhook_deliveries d
                    WHERE d.endpoint_id = :id AND d.attempts = 1
                      AND (SELECT count(*) FROM webhook_attempts a
                           WHERE a.delivery_id = d.id AND a.status_code = 200) = 1
                      AND (SELECT count(*) FROM webhook_attempts a
                           WHERE a.delivery_id = d.id) = 1
                    """)
                .param("id", okEndpoint.id())
                .query(Long.class)
                .single())
        .isEqualTo(events);
    for (String eventId : eventIds) {
      assertThat(ok.receivedFor(eventId)).hasSize(1);
    }
    JsonNode one = tenant.delivery(eventIds.getFirst(), okEndpoint.id());
    assertThat(one.get("attempt_log")).hasSize(1);
    // The failing endpoint's first attempts are each logged, each delivery waits for its retry,
    // and only the failing endpoint is on a streak.
    await()
        .atMost(WAIT)
        .until(
            () ->
                jdbc.sql(
                            """
                            SELECT count(*) FROM webhook_attempts a
                            JOIN webhook_deliveries d ON d.id = a.delivery_id
                            WHERE d.endpoint_id = :id AND a.status_code = 503
                            """)
                        .param("id", failingEndpoint.id())
                        .query(Long.class)
                        .single()
                    >= events);
    assertThat(
            jdbc.sql(
                    """
                    SELECT count(*) FROM webhook_deliveries
                    WHERE endpoint_id = :id AND status = 'pending'
                    """)
                .param("id", failingEndpoint.id())
                .query(Long.class)
                .single())
        .isEqualTo(events);
    assertThat(failingSince(failingEndpoint)).isNotNull();
    assertThat(failingSince(okEndpoint)).isNull();
  }

  private static void awaitDelivered(WebhookTenant tenant, String eventId, Endpoint endpoint) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                "delivered"
                    .equals(tenant.delivery(eventId, endpoint.id()).get("status").asString()));
  }

  private Instant failingSince(Endpoint endpoint) {
    return jdbc.sql("SELECT failing_since FROM webhook_endpoints WHERE id = :id")
        .param("id", endpoint.id())
        .query((rs, row) -> Optional.ofNullable(rs.getTimestamp(1)).map(t -> t.toInstant()))
        .single()
        .orElse(null);
  }

  @Test
  void anAttemptThatGotNoAnswerIsLoggedWithItsErrorAndNoStatusCode() {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver closed = Receiver.start();
    closed.close();
    Endpoint endpoint = tenant.endpoint(closed.url(), "*");

    String eventId = tenant.depositEvent(1_000);
    await()
        .atMost(WAIT)
        .until(() -> tenant.delivery(eventId, endpoint.id()).get("attempt_log").size() >= 1);

    JsonNode delivery = tenant.delivery(eventId, endpoint.id());
    assertThat(delivery.get("status").asString()).isEqualTo("pending");
    JsonNode attempt = delivery.get("attempt_log").get(0);
    assertThat(attempt.get("error").asString()).isNotBlank();
    assertThat(attempt.get("status_code").isNull()).as(attempt.toString()).isTrue();
    expect(tenant.delete("/v1/webhook-endpoints/" + endpoint.id()), 200);
  }

  @Test
  void redeliverySendsTheEventAgainWithTheSameMessageId() throws Exception {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver receiver = receiver();
    Endpoint endpoint = tenant.endpoint(receiver.url(), "*");
    String eventId = tenant.depositEvent(1_500);
    receiver.awaitFirst(eventId);
    awaitDelivered(tenant, eventId, endpoint);

    Response redelivered = expect(tenant.post("/v1/events/" + eventId + "/redeliver", null), 200);

    assertThat(redelivered.body().get(0).get("endpoint_id").asString()).isEqualTo(endpoint.id());
    List<Request> requests = receiver.awaitFor(eventId, 2);
    assertThat(requests).extracting(Request::webhookId).containsOnly(eventId);
    assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
    requests.get(1).verify(endpoint.secret());
    await()
        .atMost(WAIT)
        .until(() -> tenant.delivery(eventId, endpoint.id()).get("attempt_log").size() == 2);
    JsonNode delivery = tenant.delivery(eventId, endpoint.id());
    assertThat(delivery.get("status").asString()).isEqualTo("delivered");
    assertThat(delivery.get("attempt_log"))
        .extracting(a -> a.get("status_code").asInt())
        .containsExactly(200, 200);
  }

  @Test
  void eventsCanBeFilteredByTypeAndObjectAndPagedNewestFirst() {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    String account = tenant.fundingAccount();
    List<String> deposits = new ArrayList<>();
    for (long amount : new long[] {100, 200, 300}) {
      deposits.add(tenant.deposit(account, amount));
    }
    List<String> events =
        deposits.stream().map(d -> tenant.eventFor("deposit.received", d)).toList();

    Response first = expect(tenant.get("/v1/events?type=deposit.received&limit=2"), 200);
    assertThat(ids(first)).containsExactly(events.get(2), events.get(1));
    assertThat(first.body().get("has_more").asBoolean()).isTrue();
    Response second =
        expect(
            tenant.get("/v1/events?type=deposit.received&limit=2&starting_after=" + events.get(1)),
            200);
    assertThat(ids(second)).containsExactly(events.get(0));
    assertThat(second.body().get("has_more").asBoolean()).isFalse();

    Response byObject = expect(tenant.get("/v1/events?object_id=" + deposits.get(1)), 200);
    assertThat(data(byObject)).hasSize(1);
    JsonNode event = data(byObject).getFirst();
    assertThat(event.get("id").asString()).isEqualTo(events.get(1));
    assertThat(event.get("type").asString()).isEqualTo("deposit.received");
    assertThat(event.get("object_id").asString()).isEqualTo(deposits.get(1));
    assertThat(event.get("data").get("amount").asLong()).isEqualTo(200);
    assertThat(event.get("created_at").asString()).isNotBlank();

    assertThat(ids(expect(tenant.get("/v1/events?type=transfer.completed"), 200))).isEmpty();
    assertThat(ids(expect(tenant.get("/v1/events?limit=100"), 200))).containsAll(events);
  }

  @Test
  void anotherTenantsEventIsNotFoundCannotBeRedeliveredAndIsNotListed() {
    WebhookTenant owner = WebhookTenant.create(api, "test");
    WebhookTenant stranger = WebhookTenant.create(api, "test");
    Receiver receiver = receiver();
    Endpoint endpoint = owner.endpoint(receiver.url(), "*");
    String eventId = owner.depositEvent(1_000);
    receiver.awaitFirst(eventId);
    awaitDelivered(owner, eventId, endpoint);
    String before = owner.delivery(eventId, endpoint.id()).toString();

    for (Response foreign :
        List.of(
            stranger.get("/v1/events/" + eventId),
            stranger.get("/v1/events/" + eventId + "/deliveries"),
            stranger.post("/v1/events/" + eventId + "/redeliver", null))) {
      assertThat(foreign.status()).as(foreign.toString()).isEqualTo(404);
      assertThat(foreign.code()).isEqualTo("resource_not_found");
      assertThat(foreign.raw()).doesNotContain("deposit.received");
    }
    assertThat(ids(expect(stranger.get("/v1/events?limit=100"), 200))).doesNotContain(eventId);
    assertThat(owner.delivery(eventId, endpoint.id()).toString()).isEqualTo(before);
  }

  @Test
  void theSecretIsShownOnceAndNeverByTheListOrTheDeletion() {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver receiver = receiver();
    Endpoint endpoint = tenant.endpoint(receiver.url(), "*");
    String secretBody = endpoint.secret().substring("whsec_".length());
    assertThat(Base64.getDecoder().decode(secretBody)).hasSizeGreaterThanOrEqualTo(24);

    Response list = expect(tenant.get("/v1/webhook-endpoints"), 200);
    assertThat(ids(list)).containsExactly(endpoint.id());
    JsonNode listed = data(list).getFirst();
    assertThat(listed.get("url").asString()).isEqualTo(receiver.url());
    assertThat(listed.get("status").asString()).isEqualTo("enabled");
    assertThat(listed.get("secret") == null || listed.get("secret").isNull()).isTrue();
    assertThat(list.raw()).doesNotContain(secretBody).doesNotContain("whsec_");

    Response deleted = expect(tenant.delete("/v1/webhook-endpoints/" + endpoint.id()), 200);
    assertThat(deleted.raw()).doesNotContain(secretBody).doesNotContain("whsec_");
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void theSecretIsStoredNowhereInClearPrintedNowhereAndNotShownByAReplay(CapturedOutput output) {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver receiver = receiver();
    String create = "{\"url\": \"%s\", \"event_types\": [\"*\"]}".formatted(receiver.url());

    Response created =
        expect(
            tenant.api.post("/v1/webhook-endpoints", tenant.key, create, "Idempotency-Key", "k1"),
            201);
    Response replayed =
        expect(
            tenant.api.post("/v1/webhook-endpoints", tenant.key, create, "Idempotency-Key", "k1"),
            201);
    String rotatePath = "/v1/webhook-endpoints/" + created.id() + "/rotate-secret";
    Response rotated =
        expect(tenant.api.post(rotatePath, tenant.key, null, "Idempotency-Key", "k2"), 200);
    Response rotationReplayed =
        expect(tenant.api.post(rotatePath, tenant.key, null, "Idempotency-Key", "k2"), 200);
    receiver.awaitFirst(tenant.depositEvent(1_000));

    assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replayed.id()).isEqualTo(created.id());
    assertThat(rotationReplayed.header("Idempotent-Replayed")).isEqualTo("true");
    List<String> secrets = new ArrayList<>();
    for (Response withSecret : List.of(created, rotated)) {
      assertThat(withSecret.text("secret")).startsWith("whsec_");
      secrets.add(withSecret.text("secret").substring("whsec_".length()));
    }
    assertThat(replayed.raw()).doesNotContain("whsec_");
    assertThat(rotationReplayed.raw()).doesNotContain("whsec_");
    for (String secret : secrets) {
      assertThat(columnsHolding(secret)).isEmpty();
      assertThat(output.getAll()).doesNotContain(secret);
    }
  }

  /** Every column of every table holding this text (bytea: as UTF-8 bytes or the raw secret). */
  private List<String> columnsHolding(String secret) {
    byte[] raw = Base64.getDecoder().decode(secret);
    List<String> found = new ArrayList<>();
    List<String[]> columns =
        jdbc.sql(
                """
                SELECT c.table_name, c.column_name, c.data_type
                FROM information_schema.columns c
                JOIN information_schema.tables t
                  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                """)
            .query((rs, row) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
            .list();
    assertThat(columns).extracting(c -> c[0] + "." + c[1]).contains("key_material.id");
    for (String[] c : columns) {
      String column = "\"" + c[1] + "\"";
      String condition =
          "bytea".equals(c[2])
              ? "position(convert_to(:text, 'UTF8') in %s) > 0 OR position(:raw in %s) > 0"
                  .formatted(column, column)
              : "strpos(%s::text, :text) > 0".formatted(column);
      long rows =
          jdbc.sql("SELECT count(*) FROM \"%s\" WHERE %s".formatted(c[0], condition))
              .param("text", secret)
              .param("raw", raw)
              .query(Long.class)
              .single();
      if (rows > 0) {
        found.add(c[0] + "." + c[1]);
      }
    }
    return found;
  }

  @Test
  void aDeletedEndpointGetsNothingMoreNotEvenTheRetriesItWasOwed() {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Receiver failing = receiver().answerAlways(503);
    Receiver control = receiver();
    Endpoint deleted = tenant.endpoint(failing.url(), "*");
    tenant.endpoint(control.url(), "*");
    String account = tenant.fundingAccount();
    String owed = tenant.eventFor("deposit.received", tenant.deposit(account, 1_000));
    failing.awaitFirst(owed);

    Response answer = expect(tenant.delete("/v1/webhook-endpoints/" + deleted.id()), 200);
    assertThat(answer.text("status")).isEqualTo("deleted");

    String later = tenant.eventFor("deposit.received", tenant.deposit(account, 2_000));
    control.awaitFirst(later);
    // The retry it was owed (due a second after the first attempt) is given up, not sent.
    await()
        .atMost(WAIT)
        .until(() -> "failed".equals(tenant.delivery(owed, deleted.id()).get("status").asString()));
    assertThat(failing.received()).extracting(Request::webhookId).containsExactly(owed);
    assertThat(tenant.delivery(later, deleted.id())).isNull();
    assertThat(tenant.listedEndpoint(deleted.id())).isNull();
    assertThat(tenant.delete("/v1/webhook-endpoints/" + deleted.id()).status()).isEqualTo(404);
  }

  @Test
  void noDeliveredBodyOrHeaderHoldsACardNumberOrASecret() {
    CardFixtures fixtures = new CardFixtures(port);
    Setup setup = fixtures.b2c("on_demand", "", 0);
    WebhookTenant tenant = tenantOf(setup);
    Receiver receiver = receiver();
    Endpoint endpoint = tenant.endpoint(receiver.url(), "*");

    fixtures.deposit(setup.key(), setup.walletId(), 50_000);
    Response card = fixtures.virtualCard(setup);
    String pan = fixtures.revealPan(setup.key(), card.id());
    assertThat(pan).matches("[0-9]{13,19}");
    expect(
        fixtures.api.post(
            "/v1/simulate/authorizations",
            setup.key(),
            """
            {"card_id": "%s", "amount": 2500, "currency": "USD", "channel": "ecommerce",
             "merchant": {"id": "MID-1", "name": "Corner Shop", "mcc": "5411", "city": "Austin",
                          "country": "US"}}
            """
                .formatted(card.id())),
        201);
    Response rotated =
        expect(tenant.post("/v1/webhook-endpoints/" + endpoint.id() + "/rotate-secret", null), 200);
    tenant.depositEvent(700);

    // Every event written since the endpoint was registered reaches it.
    Set<String> types = new TreeSet<>();
    List<Request> requests = new ArrayList<>();
    for (JsonNode event : data(expect(tenant.get("/v1/events?limit=100"), 200))) {
      String eventId = event.get("id").asString();
      if (tenant.delivery(eventId, endpoint.id()) != null) {
        requests.add(receiver.awaitFirst(eventId));
        types.add(event.get("type").asString());
      }
    }
    assertThat(types).contains("card.created", "deposit.received", "wallet.credited");
    assertThat(types).anyMatch(t -> t.startsWith("authorization."));

    CardNumberScan scan = new CardNumberScan(List.of(pan), List.of(setup.range()));
    List<String> secrets =
        List.of(endpoint.secret(), rotated.text("secret")).stream()
            .map(s -> s.substring("whsec_".length()))
            .toList();
    for (Request r : requests) {
      String everything = r.headers() + "\n" + r.body();
      assertThat(scan.text("delivery of " + r.webhookId(), everything)).isEmpty();
      assertThat(everything).doesNotContain(pan).doesNotContain("whsec_");
      for (String secret : secrets) {
        assertThat(everything).doesNotContain(secret);
      }
    }
  }

  private WebhookTenant tenantOf(Setup setup) {
    return WebhookTenant.of(api, setup.tenant().id(), setup.key());
  }
}
