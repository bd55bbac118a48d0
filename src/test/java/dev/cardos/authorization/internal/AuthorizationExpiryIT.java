package dev.cardos.authorization.internal;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cardos.authorization.Payments;
import dev.cardos.authorization.Payments.FundedCard;
import dev.cardos.testing.ServerTest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Hold expiry (SPEC §3, §5): an approved authorization never cleared within its program's hold days
 * expires, releasing its hold and its usage of the spend limits. The due time is moved into the
 * past in the database and the expiry run is called directly, as its scheduler would.
 */
@ServerTest
class AuthorizationExpiryIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired AuthorizationLifecycle lifecycle;
  @Autowired Clock clock;

  private Payments payments;

  @BeforeEach
  void setUp() {
    payments = new Payments(port, jdbc);
  }

  @AfterEach
  void booksBalance() {
    payments.assertBooksBalance();
  }

  private Instant holdExpiresAt(String authorizationId) {
    return jdbc.sql("SELECT hold_expires_at FROM authorizations WHERE id = :id")
        .param("id", authorizationId)
        .query(Timestamp.class)
        .single()
        .toInstant();
  }

  /** Moves the authorization's and its hold's due time to {@code at}. */
  private void dueAt(JsonNode authorization, Instant at) {
    jdbc.sql("UPDATE authorizations SET hold_expires_at = :at WHERE id = :id")
        .param("at", Timestamp.from(at))
        .param("id", authorization.get("id").asString())
        .update();
    jdbc.sql("UPDATE holds SET expires_at = :at WHERE id = :id")
        .param("at", Timestamp.from(at))
        .param("id", authorization.get("hold_id").asString())
        .update();
  }

  @Test
  void anAuthorizationPastItsProgramsHoldDaysExpiresAndReleasesHoldAndUsage() {
    FundedCard card = payments.card(10_000, ", \"hold_expiry_days\": 1", "");
    JsonNode due = payments.approve(card, 2_500);
    JsonNode notDue = payments.approve(card, 1_000);
    String dueId = due.get("id").asString();
    String notDueId = notDue.get("id").asString();
    Instant now = clock.instant();
    assertThat(holdExpiresAt(dueId))
        .as("the program's one day, not the default seven")
        .isCloseTo(now.plus(Duration.ofDays(1)), within(5, ChronoUnit.MINUTES));
    payments.assertBalances(card, 10_000, 3_500, 6_500);
    assertThat(payments.cardSpend(card, "day")).isEqualTo(3_500);

    dueAt(due, now.minusSeconds(60));
    lifecycle.expireDue(clock.instant(), 100);

    JsonNode expired = payments.authorization(card, dueId);
    assertThat(expired.get("status").asString()).isEqualTo("expired");
    assertThat(expired.get("held_amount").asLong()).isZero();
    assertThat(
            jdbc.sql("SELECT status FROM holds WHERE id = :id")
                .param("id", due.get("hold_id").asString())
                .query(String.class)
                .single())
        .isIn("released", "expired");
    payments.assertBalances(card, 10_000, 1_000, 9_000);
    assertThat(payments.cardSpend(card, "day")).isEqualTo(1_000);
    assertThat(payments.cardSpend(card, "lifetime")).isEqualTo(1_000);
    assertThat(payments.eventTypes(dueId))
        .containsExactly("authorization.approved", "authorization.expired");

    JsonNode untouched = payments.authorization(card, notDueId);
    assertThat(untouched.get("status").asString()).isEqualTo("pending");
    assertThat(untouched.get("held_amount").asLong()).isEqualTo(1_000);
    assertThat(payments.eventTypes(notDueId)).containsExactly("authorization.approved");
  }

  @Test
  void anExpiredAuthorizationExpiresOnceAndCannotBeReversed() {
    FundedCard card = payments.card(10_000, ", \"hold_expiry_days\": 1", "");
    JsonNode due = payments.approve(card, 2_500);
    String id = due.get("id").asString();
    dueAt(due, clock.instant().minusSeconds(60));
    lifecycle.expireDue(clock.instant(), 100);
    payments.assertBalances(card, 10_000, 0, 10_000);

    lifecycle.expireDue(clock.instant(), 100);
    JsonNode reversal =
        expect(
                payments.api.post(
                    "/v1/simulate/authorizations/" + id + "/reverse", card.key(), null),
                201)
            .body();

    assertThat(reversal.get("approved").asBoolean()).isFalse();
    assertThat(payments.authorization(card, id).get("status").asString()).isEqualTo("expired");
    payments.assertBalances(card, 10_000, 0, 10_000);
    assertThat(payments.cardSpend(card, "day")).isZero();
    assertThat(payments.eventTypes(id))
        .containsExactly("authorization.approved", "authorization.expired");
  }
}
