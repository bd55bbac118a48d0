package dev.cardos.events;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.cardos.events.Receiver.Request;
import dev.cardos.events.WebhookTenant.Endpoint;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Secret rotation (SPEC §6, "several signatures during secret rotation"): for the overlap every
 * delivery is signed with the new and the old secret, so a receiver may switch at its own pace;
 * after it only the new one signs.
 */
@WebhookServerTest
class WebhookRotationIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private TestApi api;
  private Receiver receiver;

  @BeforeEach
  void start() {
    api = new TestApi(port);
    receiver = Receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void afterARotationDeliveriesCarryTwoSignaturesAndBothSecretsVerify() throws Exception {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Endpoint endpoint = tenant.endpoint(receiver.url(), "*");
    Request beforeRotation = receiver.awaitFirst(tenant.depositEvent(1_000));
    assertThat(signatures(beforeRotation)).hasSize(1);

    Response rotated =
        expect(tenant.post("/v1/webhook-endpoints/" + endpoint.id() + "/rotate-secret", null), 200);
    String oldSecret = endpoint.secret();
    String newSecret = rotated.text("secret");
    assertThat(rotated.id()).isEqualTo(endpoint.id());
    assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
    assertThat(overlapEnd(endpoint.id()))
        .isBetween(
            Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));

    Request request = receiver.awaitFirst(tenant.depositEvent(2_000));

    List<String> signatures = signatures(request);
    assertThat(signatures).hasSize(2).allMatch(s -> s.matches("v1,[A-Za-z0-9+/]{43}="));
    assertThatCode(() -> request.verify(oldSecret)).doesNotThrowAnyException();
    assertThatCode(() -> request.verify(newSecret)).doesNotThrowAnyException();
    // Each signature is by one secret: not one signature twice.
    assertThat(signatures.get(0)).isNotEqualTo(signatures.get(1));
    int byNew = verifies(request, signatures.get(0), newSecret) ? 0 : 1;
    assertThat(verifies(request, signatures.get(byNew), newSecret)).isTrue();
    assertThat(verifies(request, signatures.get(byNew), oldSecret)).isFalse();
    assertThat(verifies(request, signatures.get(1 - byNew), oldSecret)).isTrue();
    assertThat(verifies(request, signatures.get(1 - byNew), newSecret)).isFalse();
    // The secret before the old one is never accepted by a second rotation's deliveries.
    Response again =
        expect(tenant.post("/v1/webhook-endpoints/" + endpoint.id() + "/rotate-secret", null), 200);
    Request afterSecondRotation = receiver.awaitFirst(tenant.depositEvent(3_000));
    afterSecondRotation.verify(again.text("secret"));
    afterSecondRotation.verify(newSecret);
    assertThatThrownBy(() -> afterSecondRotation.verify(oldSecret))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void afterTheOverlapOnlyTheNewSecretVerifies() throws Exception {
    WebhookTenant tenant = WebhookTenant.create(api, "test");
    Endpoint endpoint = tenant.endpoint(receiver.url(), "*");
    String newSecret =
        expect(tenant.post("/v1/webhook-endpoints/" + endpoint.id() + "/rotate-secret", null), 200)
            .text("secret");

    // The overlap runs out.
    jdbc.sql(
            """
            UPDATE webhook_endpoints SET previous_secret_until = now() - interval '1 minute'
            WHERE id = :id
            """)
        .param("id", endpoint.id())
        .update();
    Request request = receiver.awaitFirst(tenant.depositEvent(1_000));

    assertThat(signatures(request)).hasSize(1);
    request.verify(newSecret);
    assertThatThrownBy(() -> request.verify(endpoint.secret()))
        .isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("No matching signature");
  }

  @Test
  void anotherTenantCannotRotateTheSecret() throws Exception {
    WebhookTenant owner = WebhookTenant.create(api, "test");
    WebhookTenant stranger = WebhookTenant.create(api, "test");
    Endpoint endpoint = owner.endpoint(receiver.url(), "*");

    Response refused =
        stranger.post("/v1/webhook-endpoints/" + endpoint.id() + "/rotate-secret", null);

    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.code()).isEqualTo("resource_not_found");
    assertThat(refused.raw()).doesNotContain("whsec_");
    Request request = receiver.awaitFirst(owner.depositEvent(1_000));
    assertThat(signatures(request)).hasSize(1);
    request.verify(endpoint.secret());
  }

  private static List<String> signatures(Request request) {
    return List.of(request.header("webhook-signature").split(" "));
  }

  /** Whether this one signature of the request verifies with the secret. */
  private static boolean verifies(Request request, String signature, String secret) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(request.headers());
    headers.put("webhook-signature", List.of(signature));
    try {
      new Receiver.Request(headers, request.body(), request.receivedAt()).verify(secret);
      return true;
    } catch (WebhookVerificationException e) {
      return false;
    }
  }

  private Instant overlapEnd(String endpointId) {
    return jdbc.sql("SELECT previous_secret_until FROM webhook_endpoints WHERE id = :id")
        .param("id", endpointId)
        .query(Timestamp.class)
        .single()
        .toInstant();
  }
}
