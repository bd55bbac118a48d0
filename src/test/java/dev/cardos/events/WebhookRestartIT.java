package dev.cardos.events;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cardos.CardosApplication;
import dev.cardos.database.ToolDatabase;
import dev.cardos.events.Receiver.Request;
import dev.cardos.events.WebhookTenant.Endpoint;
import dev.cardos.testing.TestApi;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * At least once across a crash (SPEC §6): a delivery claimed by a node that stops while the send is
 * in flight is sent again once its lease runs out. This class starts CardOS itself, twice, on one
 * durable embedded database; the settings are command-line arguments, which outrank {@code
 * application.yaml}.
 */
class WebhookRestartIT {

  private static final Duration LEASE = Duration.ofSeconds(60);

  private final Path dataDir = Path.of("target", "it-data", "webhook-restart-" + UUID.randomUUID());
  private final Receiver receiver = Receiver.start();
  private ConfigurableApplicationContext app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
    receiver.close();
  }

  @Test
  void aDeliveryInFlightWhenTheServerStopsIsDeliveredAfterTheRestart() throws Exception {
    app = start();
    TestApi api = new TestApi(port(app));
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Endpoint endpoint = tenant.endpoint(receiver.url(), "*");
    receiver.holdNext(1);

    String eventId = tenant.depositEvent(5_000);
    receiver.awaitFirst(eventId);
    // Claimed: the lease pushed the next attempt about a minute ahead, and nothing is recorded.
    Instant leaseEnd = nextAttemptAt(app.getBean(JdbcClient.class), eventId, endpoint.id());
    assertThat(leaseEnd)
        .isBetween(Instant.now().plus(LEASE).minusSeconds(15), Instant.now().plus(LEASE));
    JsonNode claimed = tenant.delivery(eventId, endpoint.id());
    assertThat(claimed.get("status").asString()).isEqualTo("pending");
    assertThat(claimed.get("attempt_log")).isEmpty();

    // Closing waits (up to the send timeout) for the send in flight; the receiver still hangs, so
    // that attempt ends as a timeout, and the delivery stays pending.
    app.close();
    app = null;
    receiver.release();

    // While the server is down the lease runs out.
    try (ToolDatabase db = ToolDatabase.open(Map.of("CARDOS_DATA_DIR", dataDir.toString()));
        PreparedStatement update =
            db.connection()
                .prepareStatement(
                    "UPDATE webhook_deliveries SET next_attempt_at = ?"
                        + " WHERE event_id = ? AND endpoint_id = ? AND status = 'pending'")) {
      update.setTimestamp(1, Timestamp.from(Instant.now().minusSeconds(1)));
      update.setString(2, eventId);
      update.setString(3, endpoint.id());
      assertThat(update.executeUpdate()).isEqualTo(1);
    }

    app = start();
    WebhookTenant again = WebhookTenant.of(new TestApi(port(app)), tenant.id, tenant.key);
    List<Request> requests = receiver.awaitFor(eventId, 2);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "delivered"
                    .equals(again.delivery(eventId, endpoint.id()).get("status").asString()));

    assertThat(requests).extracting(Request::webhookId).containsOnly(eventId);
    requests.get(1).verify(endpoint.secret());
    assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
    JsonNode delivered = again.delivery(eventId, endpoint.id());
    assertThat(delivered.get("attempt_log"))
        .extracting(a -> a.get("status_code").isNull() ? 0 : a.get("status_code").asInt())
        .endsWith(200)
        .hasSizeBetween(1, 2);
    expect(again.get("/v1/events/" + eventId), 200);
  }

  private ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(CardosApplication.class)
        .run(
            "--server.port=0",
            "--cardos.db.data-dir=" + dataDir,
            "--cardos.db.durable=true",
            "--cardos.tenancy.operator-key=" + TestApi.OPERATOR_KEY,
            "--cardos.webhooks.poll-interval=PT0.1S",
            "--cardos.webhooks.retry-delays=PT0S,PT1S");
  }

  private static int port(ConfigurableApplicationContext app) {
    return app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  private static Instant nextAttemptAt(JdbcClient jdbc, String eventId, String endpointId) {
    return jdbc.sql(
            """
            SELECT next_attempt_at FROM webhook_deliveries
            WHERE event_id = :event AND endpoint_id = :endpoint
            """)
        .param("event", eventId)
        .param("endpoint", endpointId)
        .query(Timestamp.class)
        .single()
        .toInstant();
  }
}
