package dev.cardos.cards.internal;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.cards.CardFixtures;
import dev.cardos.cards.CardFixtures.Setup;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The expiry scheduler's work: a card is valid through the last day of its expiry month (UTC); once
 * that month has ended it expires, and is renewed with the same number when its program says so.
 * Time is a clock the test moves forward (this makes a Spring context of its own).
 */
@ServerTest
@Import(CardExpiryIT.MovableTime.class)
class CardExpiryIT {

  private static final int VALIDITY_MONTHS = 2;

  /** A clock that runs with real time from an offset the test can push forward. */
  static final class MovableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;

    void moveTo(Instant instant) {
      if (instant.isBefore(instant())) {
        throw new IllegalArgumentException("time only moves forward in this test");
      }
      offset = Duration.between(Instant.now(), instant);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("CardOS keeps time in UTC");
    }
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class MovableTime {
    @Bean
    @Primary
    MovableClock movableClock() {
      return new MovableClock();
    }
  }

  @LocalServerPort int port;
  @Autowired MovableClock clock;
  @Autowired Clock injected;
  @Autowired CardExpiry expiry;
  @Autowired JdbcClient jdbc;

  private CardFixtures fixtures;
  private TestApi api;

  @BeforeEach
  void setUp() {
    fixtures = new CardFixtures(port);
    api = fixtures.api;
    assertThat(injected).isSameAs(clock);
  }

  @Test
  void aCardExpiresOnlyAfterItsExpiryMonthAndIsRenewedWithTheSameNumberAndANewExpiry() {
    Setup setup = fixtures.b2c("on_demand", ", \"validity_months\": " + VALIDITY_MONTHS, 1_000);
    Response created = fixtures.virtualCard(setup);
    String cardId = created.id();
    String pan = fixtures.revealPan(setup.key(), cardId);
    expect(
        api.post(
            "/v1/cards/" + cardId + "/fund",
            setup.key(),
            "{\"amount\": 300, \"currency\": \"USD\"}"),
        201);
    YearMonth expires = expiryOf(created.body());
    assertThat(expires).isEqualTo(YearMonth.now(clock).plusMonths(VALIDITY_MONTHS));

    clock.moveTo(lastMinuteOf(expires));
    expiry.expireDue();
    assertThat(status(setup.key(), cardId))
        .as("valid through its expiry month")
        .isEqualTo("active");

    clock.moveTo(expires.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    int expired = expiry.expireDue();

    assertThat(expired).isGreaterThanOrEqualTo(1);
    List<JsonNode> history = transitions(setup.key(), cardId);
    assertThat(history)
        .extracting(
            t -> text(t, "action") + ":" + text(t, "from_status") + ">" + text(t, "to_status"))
        .containsExactly(
            "reissue:expired>terminated", "expire:active>expired", "create:null>active");
    assertThat(text(history.get(1), "actor")).isEqualTo("system");
    List<JsonNode> renewals = cardsReplacing(setup, cardId);
    assertThat(renewals).hasSize(1);
    JsonNode renewed = renewals.getFirst();
    String renewedId = text(renewed, "id");
    assertThat(text(renewed, "status")).isEqualTo("active");
    assertThat(fixtures.revealPan(setup.key(), renewedId)).isEqualTo(pan);
    assertThat(expiryOf(renewed))
        .isEqualTo(expires.plusMonths(1).plusMonths(VALIDITY_MONTHS))
        .isNotEqualTo(expires);
    assertThat(text(renewed, "account_id")).isEqualTo(text(created.body(), "account_id"));
    assertThat(fixtures.available(setup.key(), text(renewed, "account_id"))).isEqualTo(300);
    assertThat(eventTypes(cardId)).contains("card.created", "card.expired");
    assertThat(eventTypes(renewedId)).containsExactly("card.reissued");

    expiry.expireDue();
    assertThat(cardsReplacing(setup, cardId)).as("renewed once only").hasSize(1);
    assertThat(status(setup.key(), renewedId)).isEqualTo("active");
  }

  @Test
  void withoutRenewalACardJustExpiresAndStaysExpired() {
    Setup setup =
        fixtures.b2c(
            "on_demand",
            ", \"validity_months\": " + VALIDITY_MONTHS + ", \"renew_on_expiry\": false",
            0);
    Response active = fixtures.virtualCard(setup);
    Response frozen = fixtures.virtualCard(setup);
    expect(api.post("/v1/cards/" + frozen.id() + "/freeze", setup.key(), null), 200);
    Response blocked = fixtures.virtualCard(setup);
    expect(
        api.post("/v1/cards/" + blocked.id() + "/block", setup.key(), "{\"reason\": \"fraud\"}"),
        200);
    Response pending = fixtures.physicalCard(setup);
    Response terminated = fixtures.virtualCard(setup);
    expect(api.post("/v1/cards/" + terminated.id() + "/terminate", setup.key(), null), 200);

    clock.moveTo(
        expiryOf(active.body()).plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    expiry.expireDue();

    assertThat(status(setup.key(), active.id())).isEqualTo("expired");
    assertThat(status(setup.key(), frozen.id())).isEqualTo("expired");
    assertThat(status(setup.key(), blocked.id())).isEqualTo("blocked");
    assertThat(status(setup.key(), pending.id())).isEqualTo("pending");
    assertThat(status(setup.key(), terminated.id())).isEqualTo("terminated");
    assertThat(cardsReplacing(setup, active.id())).isEmpty();
    assertThat(cardsReplacing(setup, frozen.id())).isEmpty();
    assertThat(eventTypes(active.id())).containsExactly("card.created", "card.expired");
    assertThat(
            jdbc.sql("SELECT count(*) FROM events WHERE type = 'card.reissued' AND tenant_id = :t")
                .param("t", setup.tenant().id())
                .query(Long.class)
                .single())
        .isZero();
    Response refused = api.post("/v1/cards/" + active.id() + "/freeze", setup.key(), null);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.text("detail")).contains("expired");
    assertThat(fixtures.revealPan(setup.key(), active.id())).isNotBlank();
  }

  @Test
  void reissuingAnExpiredCardNeverGivesACardThatIsAlreadyExpired() {
    Setup setup =
        fixtures.b2c(
            "on_demand",
            ", \"validity_months\": " + VALIDITY_MONTHS + ", \"renew_on_expiry\": false",
            0);
    Response card = fixtures.virtualCard(setup);
    YearMonth expires = expiryOf(card.body());
    clock.moveTo(expires.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    expiry.expireDue();
    assertThat(status(setup.key(), card.id())).isEqualTo("expired");

    Response reissued =
        api.post("/v1/cards/" + card.id() + "/reissue", setup.key(), "{\"kind\": \"reissue\"}");

    if (reissued.status() == 201) {
      assertThat(expiryOf(reissued.body())).isAfterOrEqualTo(YearMonth.now(clock));
    } else {
      assertThat(reissued.status()).isEqualTo(409);
      assertThat(reissued.code()).isEqualTo("card_state_conflict");
    }
  }

  /** The last minute of the month: the clock runs on, and the test needs less than a minute. */
  private static Instant lastMinuteOf(YearMonth month) {
    return month.atEndOfMonth().atTime(23, 59).toInstant(ZoneOffset.UTC);
  }

  private static YearMonth expiryOf(JsonNode card) {
    return YearMonth.of(card.get("exp_year").asInt(), card.get("exp_month").asInt());
  }

  private String status(String key, String cardId) {
    return text(expect(api.get("/v1/cards/" + cardId, key), 200).body(), "status");
  }

  private List<JsonNode> cardsReplacing(Setup setup, String cardId) {
    List<JsonNode> out = new ArrayList<>();
    expect(api.get("/v1/cards?cardholder_id=" + setup.cardholderId(), setup.key()), 200)
        .body()
        .get("data")
        .forEach(
            c -> {
              if (cardId.equals(text(c, "replaces_card_id"))) {
                out.add(c);
              }
            });
    return out;
  }

  private List<JsonNode> transitions(String key, String cardId) {
    List<JsonNode> out = new ArrayList<>();
    expect(api.get("/v1/cards/" + cardId + "/transitions", key), 200)
        .body()
        .get("data")
        .forEach(out::add);
    return out;
  }

  private List<String> eventTypes(String objectId) {
    return jdbc.sql("SELECT type FROM events WHERE object_id = :o ORDER BY id")
        .param("o", objectId)
        .query(String.class)
        .list();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }
}
