package dev.cardos.api;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One log line per request, except answered card network messages: the authorizations table is
 * their journal, and at a network's rate a line each is noise. A refused network message is logged.
 */
@ServerTest
@ExtendWith(OutputCaptureExtension.class)
class RequestLogIT {

  private static final String ROUTE = "POST /v1/network/authorizations";

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private static String authorization(String networkTransactionId, String amount) {
    return ("{\"network_transaction_id\": \"%s\", \"pan\": \"4000000000000002\", \"amount\": %s,"
            + " \"currency\": \"USD\", \"channel\": \"ecommerce\", \"merchant\": {\"id\": \"M1\","
            + " \"name\": \"Shop\", \"mcc\": \"5411\", \"city\": \"Austin\", \"country\": \"US\"}}")
        .formatted(networkTransactionId, amount);
  }

  @Test
  void answeredNetworkMessagesAreNotLoggedRefusedOnesAndOtherRequestsAre(CapturedOutput output) {
    TestApi api = new TestApi(port);
    TestApi.Response key = expect(api.post("/v1/admin/network-keys", OPERATOR_KEY, null), 201);
    String networkKey = key.text("secret");
    String answered = "LOG-" + UUID.randomUUID();

    // No card has this number: answered (200) with a decline, and stored as one.
    TestApi.Response decline =
        expect(
            api.post("/v1/network/authorizations", networkKey, authorization(answered, "100")),
            200);
    assertThat(decline.text("decline_reason")).isEqualTo("card_not_found");
    String answeredId = decline.header("Request-Id");
    // Refused before any decision: no amount.
    TestApi.Response refused =
        expect(
            api.post(
                "/v1/network/authorizations",
                networkKey,
                authorization("LOG-" + UUID.randomUUID(), "null")),
            400);
    String refusedId = refused.header("Request-Id");
    // Another request after both: once its line is there, both earlier ones have finished.
    String last = expect(api.get("/v1/admin/tenants", OPERATOR_KEY), 200).header("Request-Id");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> output.getOut().contains("request_id=" + last));
    assertThat(output.getOut())
        .contains(ROUTE + " 400 ")
        .contains("request_id=" + refusedId)
        .doesNotContain("request_id=" + answeredId)
        .doesNotContain(ROUTE + " 200 ");
    // What the log line would have told, the journal keeps: which key sent the message.
    assertThat(
            jdbc.sql("SELECT sent_by_key_id FROM authorizations WHERE network_transaction_id = :n")
                .param("n", answered)
                .query(String.class)
                .single())
        .isEqualTo(key.id())
        .startsWith("key_");
  }
}
