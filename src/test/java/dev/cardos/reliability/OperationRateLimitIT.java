package dev.cardos.reliability;

import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.cards.CardFixtures;
import dev.cardos.cards.CardFixtures.Setup;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The per-key, per-minute budgets of the three operations a stolen key is most worth for: issuing
 * cards, revealing card details and changing PINs. Past the budget the answer is {@code 429
 * rate_limited} with {@code Retry-After}, nothing is written, the key's other requests still pass,
 * and another key of the same tenant has a budget of its own. The budgets are set low here (a
 * context of its own) and high by default.
 */
@ServerTest
@TestPropertySource(
    properties = {
      "cardos.api.card-creations-per-minute=3",
      "cardos.api.reveals-per-minute=4",
      "cardos.api.pin-changes-per-minute=2"
    })
class OperationRateLimitIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private List<Response> repeat(int times, Supplier<Response> request) {
    List<Response> answers = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      answers.add(request.get());
    }
    return answers;
  }

  private static void assertLimitedAfter(List<Response> answers, int allowed, int okStatus) {
    assertThat(answers.subList(0, allowed))
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(okStatus));
    assertThat(answers.subList(allowed, answers.size()))
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.status()).as(r.raw()).isEqualTo(429);
              assertThat(r.code()).isEqualTo("rate_limited");
              assertThat(r.header("Content-Type")).startsWith("application/problem+json");
              assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 60L);
            });
  }

  private long cards(String tenantId) {
    return jdbc.sql("SELECT count(*) FROM cards WHERE tenant_id = :t")
        .param("t", tenantId)
        .query(Long.class)
        .single();
  }

  @Test
  void cardCreationPastTheKeysBudgetIs429AndIssuesNothing() {
    CardFixtures fixtures = new CardFixtures(port);
    Setup setup = fixtures.b2c("on_demand", ", \"max_cards_per_cardholder\": 50", 0);
    List<Response> answers =
        repeat(
            6,
            () -> fixtures.issue(setup.key(), setup.programId(), setup.cardholderId(), "virtual"));

    assertLimitedAfter(answers, 3, 201);
    assertThat(cards(setup.tenant().id())).isEqualTo(3);
    // Reading is not creating: the key still lists its cards.
    expect(fixtures.api.get("/v1/cards", setup.key()), 200);
    // Another key of the same tenant has its own budget.
    String other = fixtures.key(setup.tenant().id(), TestApi.ALL_SCOPES).text("secret");
    expect(fixtures.issue(other, setup.programId(), setup.cardholderId(), "virtual"), 201);
  }

  @Test
  void revealsPastTheKeysBudgetAre429() {
    CardFixtures fixtures = new CardFixtures(port);
    Setup setup = fixtures.b2c("on_demand", "", 0);
    String card = fixtures.virtualCard(setup).id();
    List<Response> answers =
        repeat(7, () -> fixtures.api.get("/v1/cards/" + card + "/sensitive", setup.key()));

    assertLimitedAfter(answers, 4, 200);
    assertThat(answers.subList(4, 7)).allSatisfy(r -> assertThat(r.raw()).doesNotContain("pan"));
    long audited =
        jdbc.sql(
                "SELECT count(*) FROM audit_log WHERE object_id = :id AND action = 'GET /v1/cards/{id}/sensitive'")
            .param("id", card)
            .query(Long.class)
            .single();
    assertThat(audited).as("only the reveals that happened are audited as reveals").isEqualTo(4);
  }

  @Test
  void aHeadOfARevealSpendsTheRevealBudgetLikeAGet() {
    CardFixtures fixtures = new CardFixtures(port);
    Setup setup = fixtures.b2c("on_demand", "", 0);
    String card = fixtures.virtualCard(setup).id();
    // The router answers HEAD with the reveal's GET handler, which decrypts and audits.
    List<Response> heads =
        repeat(
            4,
            () -> fixtures.api.send("HEAD", "/v1/cards/" + card + "/sensitive", setup.key(), null));
    assertThat(heads).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));

    Response get = fixtures.api.get("/v1/cards/" + card + "/sensitive", setup.key());
    assertThat(get.status()).as(get.raw()).isEqualTo(429);
    assertThat(get.code()).isEqualTo("rate_limited");
    assertThat(
            fixtures
                .api
                .send("HEAD", "/v1/cards/" + card + "/sensitive", setup.key(), null)
                .status())
        .isEqualTo(429);
  }

  @Test
  void pinChangesPastTheKeysBudgetAre429() {
    CardFixtures fixtures = new CardFixtures(port);
    Setup setup = fixtures.b2c("on_demand", "", 0);
    String card = fixtures.virtualCard(setup).id();
    String block =
        expect(
                fixtures.api.post(
                    "/v1/simulate/pin-blocks",
                    setup.key(),
                    "{\"card_id\": \"%s\", \"pin\": \"1234\", \"format\": \"iso_0\"}"
                        .formatted(card)),
                200)
            .text("pin_block");
    List<Response> answers =
        repeat(
            4,
            () ->
                fixtures.api.send(
                    "PUT",
                    "/v1/cards/" + card + "/pin",
                    setup.key(),
                    "{\"format\": \"iso_0\", \"pin_block\": \"%s\"}".formatted(block)));

    assertLimitedAfter(answers, 2, 200);
  }
}
