package dev.cardos.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.events.Receiver.Request;
import dev.cardos.testing.TestApi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * A committed event wakes this node's dispatcher: with a poll interval of a minute, events still
 * leave within moments of their change, one after another, not at the next poll.
 */
@WebhookServerTest
@TestPropertySource(properties = "cardos.webhooks.poll-interval=PT1M")
class WebhookWakeUpIT {

  @LocalServerPort int port;

  @Value("${cardos.webhooks.poll-interval}")
  Duration pollInterval;

  private final List<Receiver> receivers = new ArrayList<>();

  @AfterEach
  void stopReceivers() {
    receivers.forEach(Receiver::close);
  }

  @Test
  void eachCommittedEventIsSentWithoutWaitingForThePoll() {
    assertThat(pollInterval).isEqualTo(Duration.ofMinutes(1));
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
