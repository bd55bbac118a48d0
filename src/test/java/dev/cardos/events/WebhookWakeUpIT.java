package dev.cardos.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.CardosApplication;
import dev.cardos.events.Receiver.Request;
import dev.cardos.testing.TestApi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A committed event wakes this node's dispatcher: with a poll interval of a minute, events still
 * leave within moments of their change, one after another, not at the next poll.
 */
@SpringBootTest(
    classes = CardosApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "cardos.db.data-dir=target/it-data/${random.uuid}",
      "cardos.db.durable=false",
      "cardos.tenancy.operator-key=" + TestApi.OPERATOR_KEY,
      "cardos.webhooks.poll-interval=PT1M"
    })
class WebhookWakeUpIT {

  @LocalServerPort int port;

  private final List<Receiver> receivers = new ArrayList<>();

  @AfterEach
  void stopReceivers() {
    receivers.forEach(Receiver::close);
  }

  @Test
  void eachCommittedEventIsSentWithoutWaitingForThePoll() {
    WebhookTenant tenant = WebhookTenant.create(new TestApi(port), "test");
    Receiver receiver = Receiver.start();
    receivers.add(receiver);
    tenant.endpoint(receiver.url(), "deposit.received");
    String account = tenant.fundingAccount();

    for (int i = 0; i < 3; i++) {
      Instant before = Instant.now();
      String eventId = tenant.eventFor("deposit.received", tenant.deposit(account, 1_000 + i));
      Request request = receiver.awaitFirst(eventId);
      // Far inside the minute the poll would take; the bound is generous for a busy CI machine.
      assertThat(Duration.between(before, request.receivedAt())).isLessThan(Duration.ofSeconds(10));
    }
  }
}
