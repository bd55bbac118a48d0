package dev.cardos.events;

import static dev.cardos.events.WebhookTenant.fields;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cardos.events.WebhookTenant.Endpoint;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Where webhooks may go (SPEC §6 with the security rules of {@code EndpointAddresses}): live mode
 * refuses plain http and every address inside the operator's network, at registration and again
 * before each connection; test mode lets developers receive on their own machine.
 */
@WebhookServerTest
class WebhookSsrfIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired Outbox outbox;

  private TestApi api;

  @BeforeEach
  void connect() {
    api = new TestApi(port);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://127.0.0.1/x",
        "https://10.0.0.1/x",
        "https://169.254.169.254/latest",
        "https://localhost/x",
        "https://[::1]/x",
        "http://example.com/x",
        "https://127.0.0.1:8443/x",
        "https://192.168.1.10/x",
        "https://172.16.0.1/x",
        "https://100.64.0.1/x",
        "https://0.0.0.0/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[fd00::1]/x",
        "https://[fe80::1]/x",
        "http://203.0.113.10/x",
        "ftp://203.0.113.10/x",
        "not a url"
      })
  void liveModeRefusesInternalAddressesAndPlainHttpNamingTheUrl(String url) {
    WebhookTenant live = WebhookTenant.create(api, "live");

    Response refused = live.register(url, "*");

    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(refused.code()).isEqualTo("endpoint_url_refused");
    assertThat(fields(refused)).containsExactly("url");
    assertThat(refused.raw()).doesNotContain("whsec_");
    assertThat(endpointsOf(live)).isZero();
  }

  @Test
  void liveModeAcceptsAPublicHttpsAddress() {
    WebhookTenant live = WebhookTenant.create(api, "live");

    Response created = expect(live.register("https://203.0.113.10/hooks", "*"), 201);

    assertThat(created.body().get("livemode").asBoolean()).isTrue();
    assertThat(endpointsOf(live)).isEqualTo(1);
  }

  @Test
  void testModeAcceptsAndDeliversToTheDevelopersOwnMachine() {
    WebhookTenant test = WebhookTenant.create(api, "test");
    try (Receiver receiver = Receiver.start()) {
      Response created = expect(test.register(receiver.url(), "*"), 201);
      assertThat(created.body().get("livemode").asBoolean()).isFalse();
      assertThat(created.text("url")).startsWith("http://127.0.0.1:");
      expect(test.register(receiver.url().replace("127.0.0.1", "localhost"), "*"), 201);

      String eventId = test.depositEvent(1_000);

      assertThat(receiver.awaitFor(eventId, 2)).hasSize(2);
    }
  }

  @Test
  void anUnknownEventTypeIsRefusedNamingItsPlaceInTheList() {
    WebhookTenant test = WebhookTenant.create(api, "test");

    Response first = test.register("http://127.0.0.1:9/x", "card.exploded");
    Response second = test.register("http://127.0.0.1:9/x", "card.created", "Card.Created");

    assertThat(first.status()).as(first.toString()).isEqualTo(400);
    assertThat(first.code()).isEqualTo("validation_failed");
    assertThat(fields(first)).containsExactly("event_types[0]");
    assertThat(second.status()).isEqualTo(400);
    assertThat(fields(second)).containsExactly("event_types[1]");
    assertThat(endpointsOf(test)).isZero();
  }

  @Test
  void aLiveEndpointWhoseAddressTurnedInternalIsCheckedAgainBeforeSending() {
    WebhookTenant live = WebhookTenant.create(api, "live");
    try (Receiver receiver = Receiver.start()) {
      Endpoint endpoint = live.endpoint("https://203.0.113.10/hooks", "*");
      // What DNS rebinding amounts to: the name registered now leads inside.
      jdbc.sql("UPDATE webhook_endpoints SET url = :url WHERE id = :id")
          .param("url", receiver.url().replace("http:", "https:"))
          .param("id", endpoint.id())
          .update();
      String eventId =
          outbox.append(
              new Realm(live.id, Mode.LIVE),
              EventType.DEPOSIT_RECEIVED,
              "dep_ssrf",
              Map.of("id", "dep_ssrf", "amount", 1));

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> live.delivery(eventId, endpoint.id()).get("attempt_log").size() >= 1);
      JsonNode attempt = live.delivery(eventId, endpoint.id()).get("attempt_log").get(0);
      assertThat(attempt.get("error").asString()).contains("internal address");
      assertThat(receiver.received()).isEmpty();
      expect(live.delete("/v1/webhook-endpoints/" + endpoint.id()), 200);
    }
  }

  private long endpointsOf(WebhookTenant tenant) {
    return jdbc.sql("SELECT count(*) FROM webhook_endpoints WHERE tenant_id = :tenant")
        .param("tenant", tenant.id)
        .query(Long.class)
        .single();
  }
}
