package dev.cardos.cards;

import static dev.cardos.cards.CardFixtures.luhn;
import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.cards.CardFixtures.BinRangeRef;
import dev.cardos.cards.CardFixtures.Setup;
import dev.cardos.cards.CardFixtures.Tenant;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Cards over HTTP: issuing, revealing, the lifecycle of SPEC §4, PINs, funding, history, events.
 */
@ServerTest
class CardsIT {

  private static final int VALIDITY_MONTHS = 24;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private CardFixtures fixtures;
  private TestApi api;

  @BeforeEach
  void setUp() {
    fixtures = new CardFixtures(port);
    api = fixtures.api;
  }

  // ------------------------------------------------------------------ issuing and revealing

  @Test
  void aVirtualCardOnARevealOnceProgramIsActiveAndShowsItsValidDetailsOnlyInTheCreateAnswer() {
    Tenant tenant = fixtures.tenant();
    BinRangeRef range = fixtures.binRange(", \"pan_length\": 19");
    String program =
        fixtures.program(
            tenant.id(), range.id(), "b2c", "once", ", \"validity_months\": " + VALIDITY_MONTHS);
    Setup setup = fixtures.withCardholder(tenant, range, program, 0);
    Set<YearMonth> expectedExpiry = expiriesAround(VALIDITY_MONTHS);

    Response created = fixtures.virtualCard(setup);

    JsonNode card = created.body();
    assertThat(created.id()).startsWith("card_");
    assertThat(text(card, "status")).isEqualTo("active");
    assertThat(text(card, "form")).isEqualTo("virtual");
    assertThat(text(card, "network")).isEqualTo("visa");
    assertThat(text(card, "program_id")).isEqualTo(program);
    assertThat(text(card, "cardholder_id")).isEqualTo(setup.cardholderId());
    assertThat(card.get("pin_set").asBoolean()).isFalse();
    assertThat(card.has("activation_code")).isFalse();
    String last4 = text(card, "last4");
    assertThat(last4).matches("[0-9]{4}");
    YearMonth expiry = YearMonth.of(card.get("exp_year").asInt(), card.get("exp_month").asInt());
    assertThat(expiry).isIn(expectedExpiry);

    JsonNode sensitive = card.get("sensitive");
    assertThat(sensitive).as("details shown once at creation").isNotNull();
    String pan = text(sensitive, "pan");
    assertThat(range.panLength()).isEqualTo(19);
    assertThat(pan)
        .startsWith(range.bin())
        .hasSize(19)
        .matches("[0-9]+")
        .endsWith(last4)
        .satisfies(p -> assertThat(luhn(p)).as("Luhn").isTrue());
    assertThat(text(sensitive, "cvv2")).matches("[0-9]{3}");
    assertThat(sensitive.get("exp_month").asInt()).isEqualTo(expiry.getMonthValue());
    assertThat(sensitive.get("exp_year").asInt()).isEqualTo(expiry.getYear());

    Response fetched = expect(api.get("/v1/cards/" + created.id(), setup.key()), 200);
    assertThat(fetched.body().has("sensitive")).isFalse();
    assertThat(fetched.raw()).doesNotContain(pan);
    assertThat(text(fetched.body(), "last4")).isEqualTo(last4);

    Response reveal = api.get("/v1/cards/" + created.id() + "/sensitive", setup.key());
    assertProblem(reveal, 409, "reveal_not_allowed");
    assertThat(reveal.raw()).doesNotContain(pan);
    assertThat(auditActions(created.id())).contains("reveal card details at creation");
  }

  @Test
  void anOnDemandProgramRevealsOnlyThroughTheSensitiveEndpointUncachedAndAudited() {
    Setup setup = fixtures.b2c("on_demand", "", 0);

    Response created = fixtures.virtualCard(setup);
    assertThat(created.body().has("sensitive")).isFalse();
    String cardId = created.id();

    Response reveal = expect(api.get("/v1/cards/" + cardId + "/sensitive", setup.key()), 200);
    assertThat(reveal.header("Cache-Control")).contains("no-store");
    String pan = reveal.text("pan");
    assertThat(pan)
        .startsWith(setup.range().bin())
        .hasSize(setup.range().panLength())
        .endsWith(created.text("last4"));
    assertThat(luhn(pan)).isTrue();
    assertThat(reveal.text("cvv2")).matches("[0-9]{3}");
    assertThat(reveal.body().get("exp_month").asInt())
        .isEqualTo(created.body().get("exp_month").asInt());
    assertThat(reveal.body().get("exp_year").asInt())
        .isEqualTo(created.body().get("exp_year").asInt());
    Response again = expect(api.get("/v1/cards/" + cardId + "/sensitive", setup.key()), 200);
    assertThat(again.text("pan")).isEqualTo(pan);
    assertThat(again.text("cvv2")).isEqualTo(reveal.text("cvv2"));

    String withoutReveal =
        fixtures
            .key(setup.tenant().id(), List.of("cards:read", "cards:write", "funds:read"))
            .text("secret");
    Response forbidden = api.get("/v1/cards/" + cardId + "/sensitive", withoutReveal);
    assertProblem(forbidden, 403, "scope_missing");
    assertThat(forbidden.raw()).doesNotContain(pan);

    List<JsonNode> reveals =
        auditEntries(cardId).stream()
            .filter(e -> "GET /v1/cards/{id}/sensitive".equals(text(e, "action")))
            .toList();
    assertThat(reveals).hasSize(2);
    assertThat(reveals)
        .allSatisfy(
            e -> {
              assertThat(text(e, "actor_key_id")).isEqualTo(setup.tenant().keyId());
              assertThat(text(e, "tenant_id")).isEqualTo(setup.tenant().id());
              assertThat(e.toString()).doesNotContain(pan);
            });
  }

  @Test
  void onlyVerifiedCardholdersGetCards() {
    Setup setup = fixtures.b2c("once", "", 0);
    for (String status : List.of("pending", "rejected")) {
      String cardholder = fixtures.cardholder(setup.key(), status);

      Response refused = fixtures.issue(setup.key(), setup.programId(), cardholder, "virtual");

      assertProblem(refused, 409, "cardholder_not_verified");
      assertThat(refused.text("detail")).contains(status);
      assertThat(cardsOfCardholder(cardholder)).isZero();
    }
  }

  @Test
  void aB2cCardNeedsACardholder() {
    Setup setup = fixtures.b2c("once", "", 0);

    Response refused = fixtures.issue(setup.key(), setup.programId(), null, "virtual");

    assertProblem(refused, 400, "validation_failed");
    assertThat(fields(refused)).contains("cardholder_id");
  }

  @Test
  void maxCardsPerCardholderIsEnforcedAndTerminatedCardsDoNotCount() {
    Setup setup = fixtures.b2c("once", ", \"max_cards_per_cardholder\": 2", 0);
    String first = fixtures.virtualCard(setup).id();
    fixtures.physicalCard(setup);

    Response third =
        fixtures.issue(setup.key(), setup.programId(), setup.cardholderId(), "virtual");
    assertProblem(third, 409, "card_limit_reached");
    assertThat(cardsOfCardholder(setup.cardholderId())).isEqualTo(2);

    Setup other = fixtures.withCardholder(setup.tenant(), setup.range(), setup.programId(), 0);
    fixtures.virtualCard(other);

    expect(api.post("/v1/cards/" + first + "/terminate", setup.key(), null), 200);
    fixtures.virtualCard(setup);
    assertProblem(
        fixtures.issue(setup.key(), setup.programId(), setup.cardholderId(), "virtual"),
        409,
        "card_limit_reached");
  }

  @Test
  void theCardLimitHoldsWhenCardsAreIssuedConcurrently() throws Exception {
    Setup setup = fixtures.b2c("once", ", \"max_cards_per_cardholder\": 1", 0);

    List<Response> answers =
        concurrently(
            8,
            () -> fixtures.issue(setup.key(), setup.programId(), setup.cardholderId(), "virtual"));

    assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(1);
    assertThat(answers)
        .filteredOn(r -> r.status() != 201)
        .allSatisfy(r -> assertProblem(r, 409, "card_limit_reached"));
    assertThat(cardsOfCardholder(setup.cardholderId())).isEqualTo(1);
  }

  @Test
  void aReferenceInUseIsRefusedUntilItsCardIsTerminated() {
    Setup setup = fixtures.b2c("once", "", 0);
    String reference = ", \"reference\": \"ref-" + UUID.randomUUID() + "\"";
    String first =
        expect(
                fixtures.issue(
                    setup.key(), setup.programId(), setup.cardholderId(), "virtual", reference),
                201)
            .id();

    Response taken =
        fixtures.issue(setup.key(), setup.programId(), setup.cardholderId(), "virtual", reference);
    assertProblem(taken, 409, "reference_taken");
    assertThat(fields(taken)).containsExactly("reference");

    expect(api.post("/v1/cards/" + first + "/terminate", setup.key(), null), 200);
    expect(
        fixtures.issue(setup.key(), setup.programId(), setup.cardholderId(), "virtual", reference),
        201);
  }

  @Test
  void aReferenceTakenConcurrentlyIsRefusedAsTaken() throws Exception {
    Setup setup = fixtures.b2c("once", "", 0);
    String reference = "ref-" + UUID.randomUUID();

    List<Response> answers =
        concurrently(
            8,
            () ->
                fixtures.issue(
                    setup.key(),
                    setup.programId(),
                    setup.cardholderId(),
                    "virtual",
                    ", \"reference\": \"" + reference + "\""));

    assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(1);
    assertThat(answers)
        .filteredOn(r -> r.status() != 201)
        .allSatisfy(r -> assertProblem(r, 409, "reference_taken"));
  }

  @Test
  void anotherTenantsCardIsNotFoundOnEveryCardEndpointAndStaysUnchanged() {
    Setup owner = fixtures.b2c("on_demand", "", 10_000);
    String cardId = fixtures.physicalCard(owner).id();
    Tenant stranger = fixtures.tenant();
    String key = stranger.key();
    String card = "/v1/cards/" + cardId;

    List<Response> answers = new ArrayList<>();
    answers.add(api.get(card, key));
    answers.add(api.patch(card, key, "{\"label\": \"mine\"}"));
    answers.add(api.post(card + "/activate", key, "{\"activation_code\": \"12345678\"}"));
    answers.add(api.post(card + "/freeze", key, null));
    answers.add(api.post(card + "/unfreeze", key, null));
    answers.add(api.post(card + "/block", key, "{\"reason\": \"stolen\"}"));
    answers.add(api.post(card + "/terminate", key, null));
    answers.add(api.post(card + "/reissue", key, "{\"kind\": \"replace\"}"));
    answers.add(api.get(card + "/sensitive", key));
    answers.add(
        api.send(
            "PUT",
            card + "/pin",
            key,
            "{\"format\": \"iso_0\", \"pin_block\": \"0123456789ABCDEF\"}"));
    answers.add(api.post(card + "/fund", key, "{\"amount\": 100, \"currency\": \"USD\"}"));
    answers.add(api.post(card + "/withdraw", key, "{\"amount\": 100, \"currency\": \"USD\"}"));
    answers.add(api.get(card + "/transitions", key));
    answers.add(api.post("/v1/simulate/cards/" + cardId + "/ship", key, null));
    answers.add(api.post("/v1/simulate/cards/" + cardId + "/deliver", key, null));
    answers.add(
        api.post(
            "/v1/simulate/pin-blocks",
            key,
            "{\"card_id\": \"%s\", \"pin\": \"1234\", \"format\": \"iso_0\"}".formatted(cardId)));

    assertThat(answers)
        .allSatisfy(
            r -> {
              assertThat(r.status()).as(r.toString()).isEqualTo(404);
              assertThat(r.code()).isEqualTo("resource_not_found");
            });
    assertThat(expect(api.get("/v1/cards", key), 200).body().get("data")).isEmpty();
    JsonNode unchanged = expect(api.get(card, owner.key()), 200).body();
    assertThat(text(unchanged, "status")).isEqualTo("pending");
    assertThat(text(unchanged.get("shipping"), "status")).isEqualTo("created");
    assertThat(unchanged.get("label").isNull()).isTrue();
    assertThat(transitions(owner.key(), cardId)).hasSize(1);
  }

  @Test
  void aLiveKeyOfTheSameTenantNeitherSeesTestCardsNorRunsSimulations() {
    Setup setup = fixtures.b2c("on_demand", "", 0);
    String cardId = fixtures.physicalCard(setup).id();
    String live =
        expect(
                api.post(
                    "/v1/admin/tenants/" + setup.tenant().id() + "/api-keys",
                    OPERATOR_KEY,
                    "{\"mode\": \"live\", \"scopes\": [\"cards:read\", \"cards:write\","
                        + " \"cards:reveal\", \"controls:write\"]}"),
                201)
            .text("secret");

    for (Response r :
        List.of(
            api.get("/v1/cards/" + cardId, live),
            api.get("/v1/cards/" + cardId + "/sensitive", live),
            api.post("/v1/cards/" + cardId + "/freeze", live, null),
            api.post("/v1/cards/" + cardId + "/terminate", live, null))) {
      assertProblem(r, 404, "resource_not_found");
    }
    assertThat(expect(api.get("/v1/cards", live), 200).body().get("data")).isEmpty();
    assertProblem(
        api.post("/v1/simulate/cards/" + cardId + "/ship", live, null),
        422,
        "live_mode_unsupported");
    assertThat(status(expect(api.get("/v1/cards/" + cardId, setup.key()), 200)))
        .isEqualTo("pending");
  }

  @Test
  void anotherTenantsProgramOrCardholderIsNotFoundWhenIssuing() {
    Setup owner = fixtures.b2c("once", "", 0);
    Setup stranger = fixtures.b2c("once", "", 0);

    assertProblem(
        fixtures.issue(stranger.key(), owner.programId(), stranger.cardholderId(), "virtual"),
        404,
        "resource_not_found");
    assertProblem(
        fixtures.issue(stranger.key(), stranger.programId(), owner.cardholderId(), "virtual"),
        404,
        "resource_not_found");
    assertThat(cardsOfCardholder(owner.cardholderId())).isZero();
    assertThat(cardsOfCardholder(stranger.cardholderId())).isZero();
  }

  // ------------------------------------------------------------------ money

  @Test
  void theIssuanceFeeMovesFromTheWalletToFeeRevenue() {
    Setup setup = fixtures.b2c("once", ", \"issuance_fee_virtual\": 150", 1_000);

    fixtures.virtualCard(setup);

    assertThat(fixtures.available(setup.key(), setup.walletId())).isEqualTo(850);
    assertThat(feeRevenue(setup.tenant().id())).isEqualTo(150);
  }

  @Test
  void anIssuanceFeeTheWalletCannotPayRefusesTheCardAndWritesNothing() {
    Setup setup = fixtures.b2c("once", ", \"issuance_fee_virtual\": 150", 100);

    Response refused =
        fixtures.issue(setup.key(), setup.programId(), setup.cardholderId(), "virtual");

    assertProblem(refused, 409, "insufficient_funds");
    assertThat(cardsOfCardholder(setup.cardholderId())).isZero();
    assertThat(
            jdbc.sql("SELECT count(*) FROM accounts WHERE cardholder_id = :c AND kind = 'card'")
                .param("c", setup.cardholderId())
                .query(Long.class)
                .single())
        .as("no card account is left behind")
        .isZero();
    assertThat(fixtures.available(setup.key(), setup.walletId())).isEqualTo(100);
    assertThat(feeRevenue(setup.tenant().id())).isZero();
  }

  @Test
  void aB2bCardDrawsOnTheBusinessFundingAccountNeedsNoCardholderAndCannotBeFunded() {
    Tenant tenant = fixtures.tenant();
    BinRangeRef range = fixtures.binRange();
    String program =
        fixtures.program(tenant.id(), range.id(), "b2b", "once", ", \"issuance_fee_virtual\": 200");
    String funding = fixtures.fundingAccount(tenant.key());
    fixtures.deposit(tenant.key(), funding, 5_000);

    Response created = expect(fixtures.issue(tenant.key(), program, null, "virtual"), 201);

    assertThat(text(created.body(), "account_id")).isEqualTo(funding);
    assertThat(created.body().get("cardholder_id").isNull()).isTrue();
    assertThat(text(created.body(), "status")).isEqualTo("active");
    assertThat(fixtures.available(tenant.key(), funding)).isEqualTo(4_800);
    Response second = expect(fixtures.issue(tenant.key(), program, null, "virtual"), 201);
    assertThat(text(second.body(), "account_id")).isEqualTo(funding);

    Response fund =
        api.post(
            "/v1/cards/" + created.id() + "/fund",
            tenant.key(),
            "{\"amount\": 100, \"currency\": \"USD\"}");
    assertProblem(fund, 409, "card_state_conflict");
    assertThat(fixtures.available(tenant.key(), funding)).isEqualTo(4_600);
  }

  @Test
  void fundAndWithdrawMoveMoneyBetweenWalletAndCardAndTerminationReturnsTheRest() {
    Setup setup = fixtures.b2c("once", "", 1_000);
    Response created = fixtures.virtualCard(setup);
    String cardId = created.id();
    String cardAccount = text(created.body(), "account_id");
    assertThat(cardAccount).isNotEqualTo(setup.walletId());

    Response funded =
        expect(
            api.post(
                "/v1/cards/" + cardId + "/fund",
                setup.key(),
                "{\"amount\": 400, \"currency\": \"USD\"}"),
            201);
    assertThat(funded.body().get("amount").asLong()).isEqualTo(400);
    assertThat(fixtures.available(setup.key(), setup.walletId())).isEqualTo(600);
    assertThat(fixtures.available(setup.key(), cardAccount)).isEqualTo(400);

    expect(
        api.post(
            "/v1/cards/" + cardId + "/withdraw",
            setup.key(),
            "{\"amount\": 100, \"currency\": \"USD\"}"),
        201);
    assertThat(fixtures.available(setup.key(), setup.walletId())).isEqualTo(700);
    assertThat(fixtures.available(setup.key(), cardAccount)).isEqualTo(300);

    assertProblem(
        api.post(
            "/v1/cards/" + cardId + "/withdraw",
            setup.key(),
            "{\"amount\": 301, \"currency\": \"USD\"}"),
        409,
        "insufficient_funds");
    assertProblem(
        api.post(
            "/v1/cards/" + cardId + "/fund",
            setup.key(),
            "{\"amount\": 701, \"currency\": \"USD\"}"),
        409,
        "insufficient_funds");
    assertThat(fixtures.available(setup.key(), setup.walletId())).isEqualTo(700);
    assertThat(fixtures.available(setup.key(), cardAccount)).isEqualTo(300);

    Response terminated =
        expect(api.post("/v1/cards/" + cardId + "/terminate", setup.key(), null), 200);
    assertThat(text(terminated.body(), "status")).isEqualTo("terminated");
    assertThat(fixtures.available(setup.key(), setup.walletId())).isEqualTo(1_000);
    assertThat(fixtures.available(setup.key(), cardAccount)).isZero();
    assertStateConflict(
        api.post(
            "/v1/cards/" + cardId + "/fund", setup.key(), "{\"amount\": 1, \"currency\": \"USD\"}"),
        "terminated");
    // Withdrawing stays open (money can arrive after termination), here with nothing left.
    assertProblem(
        api.post(
            "/v1/cards/" + cardId + "/withdraw",
            setup.key(),
            "{\"amount\": 1, \"currency\": \"USD\"}"),
        409,
        "insufficient_funds");
  }

  // ------------------------------------------------------------------ physical cards

  @Test
  void aPhysicalCardShipsIsDeliveredAndActivatesWithItsDetailsOrItsCode() {
    Setup setup = fixtures.b2c("once", "", 0);
    Response created = fixtures.physicalCard(setup);
    String cardId = created.id();
    JsonNode card = created.body();

    assertThat(text(card, "status")).isEqualTo("pending");
    assertThat(text(card, "form")).isEqualTo("physical");
    assertThat(text(card.get("shipping"), "status")).isEqualTo("created");
    assertThat(text(card.get("shipping"), "name")).isEqualTo("Ada Lovelace");
    assertThat(text(card.get("shipping"), "city")).isEqualTo("Austin");
    assertThat(text(card, "activation_code")).matches("[0-9]{8}");
    assertThat(
            expect(api.get("/v1/cards/" + cardId, setup.key()), 200).body().has("activation_code"))
        .isFalse();

    assertThat(
            problem(api.post("/v1/simulate/cards/" + cardId + "/deliver", setup.key(), null), 409)
                .text("detail"))
        .contains("created");
    Response shipped =
        expect(api.post("/v1/simulate/cards/" + cardId + "/ship", setup.key(), null), 200);
    assertThat(text(shipped.body().get("shipping"), "status")).isEqualTo("shipped");
    assertThat(text(shipped.body().get("shipping"), "shipped_at")).isNotNull();
    problem(api.post("/v1/simulate/cards/" + cardId + "/ship", setup.key(), null), 409);
    Response delivered =
        expect(api.post("/v1/simulate/cards/" + cardId + "/deliver", setup.key(), null), 200);
    assertThat(text(delivered.body().get("shipping"), "status")).isEqualTo("delivered");
    assertThat(text(delivered.body().get("shipping"), "delivered_at")).isNotNull();
    assertThat(text(delivered.body(), "status")).isEqualTo("pending");

    String last4 = text(card, "last4");
    int month = card.get("exp_month").asInt();
    int year = card.get("exp_year").asInt();
    String wrongLast4 = String.format("%04d", (Integer.parseInt(last4) + 1) % 10_000);
    String wrongCode =
        String.format("%08d", (Long.parseLong(text(card, "activation_code")) + 1) % 100_000_000);
    for (String body :
        List.of(
            activation(wrongLast4, month, year),
            activation(last4, month % 12 + 1, year),
            activation(last4, month, year + 1),
            "{\"last4\": \"" + last4 + "\"}",
            "{\"activation_code\": \"" + wrongCode + "\"}",
            "{}")) {
      assertProblem(
          api.post("/v1/cards/" + cardId + "/activate", setup.key(), body),
          422,
          "activation_failed");
    }
    assertThat(text(expect(api.get("/v1/cards/" + cardId, setup.key()), 200).body(), "status"))
        .isEqualTo("pending");

    Response activated =
        expect(
            api.post(
                "/v1/cards/" + cardId + "/activate", setup.key(), activation(last4, month, year)),
            200);
    assertThat(text(activated.body(), "status")).isEqualTo("active");
    assertStateConflict(
        api.post("/v1/cards/" + cardId + "/activate", setup.key(), activation(last4, month, year)),
        "active");

    Response second = fixtures.physicalCard(setup);
    Response byCode =
        expect(
            api.post(
                "/v1/cards/" + second.id() + "/activate",
                setup.key(),
                "{\"activation_code\": \"" + text(second.body(), "activation_code") + "\"}"),
            200);
    assertThat(text(byCode.body(), "status")).isEqualTo("active");
    assertThat(transitions(setup.key(), second.id()).getFirst().get("reason").asString())
        .isEqualTo("activation_code");
    assertThat(eventTypes(cardId)).contains("card.created", "card.shipped", "card.activated");
  }

  @Test
  void aVirtualCardCannotBeShipped() {
    Setup setup = fixtures.b2c("once", "", 0);
    String cardId = fixtures.virtualCard(setup).id();

    assertProblem(
        api.post("/v1/simulate/cards/" + cardId + "/ship", setup.key(), null),
        400,
        "validation_failed");
  }

  // ------------------------------------------------------------------ lifecycle

  @Test
  void everyLifecycleEndpointReachesItsStateAndRefusalsNameTheCurrentStatus() {
    Setup setup = fixtures.b2c("once", "", 0);
    String cardId = fixtures.virtualCard(setup).id();
    String card = "/v1/cards/" + cardId;

    assertStateConflict(api.post(card + "/unfreeze", setup.key(), null), "active");
    assertStateConflict(
        api.post(card + "/activate", setup.key(), "{\"activation_code\": \"12345678\"}"), "active");
    assertThat(status(expect(api.post(card + "/freeze", setup.key(), null), 200)))
        .isEqualTo("frozen");
    assertStateConflict(api.post(card + "/freeze", setup.key(), null), "frozen");
    assertThat(status(expect(api.post(card + "/unfreeze", setup.key(), null), 200)))
        .isEqualTo("active");
    assertThat(
            status(
                expect(api.post(card + "/freeze", setup.key(), "{\"reason\": \"travel\"}"), 200)))
        .isEqualTo("frozen");

    Response blocked =
        expect(api.post(card + "/block", setup.key(), "{\"reason\": \"stolen\"}"), 200);
    assertThat(status(blocked)).isEqualTo("blocked");
    assertThat(text(blocked.body(), "block_reason")).isEqualTo("stolen");
    assertStateConflict(api.post(card + "/freeze", setup.key(), null), "blocked");
    assertStateConflict(api.post(card + "/unfreeze", setup.key(), null), "blocked");
    assertStateConflict(
        api.post(card + "/block", setup.key(), "{\"reason\": \"fraud\"}"), "blocked");

    assertThat(status(expect(api.post(card + "/terminate", setup.key(), null), 200)))
        .isEqualTo("terminated");
    assertStateConflict(api.post(card + "/terminate", setup.key(), null), "terminated");
    assertStateConflict(
        api.post(card + "/reissue", setup.key(), "{\"kind\": \"replace\"}"), "terminated");
    assertStateConflict(api.post(card + "/freeze", setup.key(), null), "terminated");
    assertThat(status(expect(api.get(card, setup.key()), 200))).isEqualTo("terminated");
  }

  @Test
  void aPendingCardCanOnlyBeActivatedOrTerminated() {
    Setup setup = fixtures.b2c("once", "", 0);
    String card = "/v1/cards/" + fixtures.physicalCard(setup).id();

    assertStateConflict(api.post(card + "/freeze", setup.key(), null), "pending");
    assertStateConflict(api.post(card + "/unfreeze", setup.key(), null), "pending");
    assertStateConflict(
        api.post(card + "/block", setup.key(), "{\"reason\": \"lost\"}"), "pending");
    assertStateConflict(
        api.post(card + "/reissue", setup.key(), "{\"kind\": \"renew\"}"), "pending");
    assertThat(status(expect(api.post(card + "/terminate", setup.key(), null), 200)))
        .isEqualTo("terminated");
  }

  @Test
  void blockingNeedsAReason() {
    Setup setup = fixtures.b2c("once", "", 0);
    String card = "/v1/cards/" + fixtures.virtualCard(setup).id();

    assertProblem(api.post(card + "/block", setup.key(), "{}"), 400, "validation_failed");
    assertProblem(api.post(card + "/block", setup.key(), "{\"reason\": \"bored\"}"), 400, null);
    assertThat(status(expect(api.get(card, setup.key()), 200))).isEqualTo("active");
  }

  @Test
  void renewKeepsTheNumberWithANewExpiryReissueKeepsBothAndReplaceGivesANewNumber() {
    Setup setup = fixtures.b2c("on_demand", ", \"validity_months\": " + VALIDITY_MONTHS, 1_000);
    Response created =
        expect(
            fixtures.issue(
                setup.key(),
                setup.programId(),
                setup.cardholderId(),
                "virtual",
                ", \"label\": \"Groceries\", \"reference\": \"ref-%s\", \"metadata\": {\"team\": \"ops\"}"
                    .formatted(UUID.randomUUID())),
            201);
    String original = created.id();
    String pan = fixtures.revealPan(setup.key(), original);
    expect(
        api.post(
            "/v1/cards/" + original + "/fund",
            setup.key(),
            "{\"amount\": 250, \"currency\": \"USD\"}"),
        201);
    // The card was issued long ago and expires next month, so a renewal's new expiry shows.
    YearMonth soon = YearMonth.now(ZoneOffset.UTC).plusMonths(1);
    jdbc.sql("UPDATE cards SET exp_month = :m, exp_year = :y WHERE id = :id")
        .param("m", soon.getMonthValue())
        .param("y", soon.getYear())
        .param("id", original)
        .update();
    Set<YearMonth> fresh = expiriesAround(VALIDITY_MONTHS);

    Response renewed =
        expect(
            api.post("/v1/cards/" + original + "/reissue", setup.key(), "{\"kind\": \"renew\"}"),
            201);
    JsonNode renewedCard = renewed.body();
    assertThat(renewedCard.has("sensitive")).isFalse();
    assertThat(renewed.id()).isNotEqualTo(original);
    assertThat(status(renewed)).isEqualTo("active");
    assertThat(text(renewedCard, "replaces_card_id")).isEqualTo(original);
    assertThat(expiry(renewedCard)).isIn(fresh).isNotEqualTo(soon);
    assertThat(fixtures.revealPan(setup.key(), renewed.id())).isEqualTo(pan);
    assertThat(text(renewedCard, "label")).isEqualTo("Groceries");
    assertThat(text(renewedCard, "reference")).isEqualTo(text(created.body(), "reference"));
    assertThat(text(renewedCard.get("metadata"), "team")).isEqualTo("ops");
    assertThat(text(renewedCard, "account_id")).isEqualTo(text(created.body(), "account_id"));
    assertThat(fixtures.available(setup.key(), text(renewedCard, "account_id")))
        .as("the balance carries over")
        .isEqualTo(250);
    assertThat(status(expect(api.get("/v1/cards/" + original, setup.key()), 200)))
        .isEqualTo("terminated");
    assertStateConflict(api.get("/v1/cards/" + original + "/sensitive", setup.key()), "terminated");

    Response reissued =
        expect(
            api.post(
                "/v1/cards/" + renewed.id() + "/reissue", setup.key(), "{\"kind\": \"reissue\"}"),
            201);
    assertThat(fixtures.revealPan(setup.key(), reissued.id())).isEqualTo(pan);
    assertThat(expiry(reissued.body())).isEqualTo(expiry(renewedCard));
    assertThat(text(reissued.body(), "replaces_card_id")).isEqualTo(renewed.id());

    Response replaced =
        expect(
            api.post(
                "/v1/cards/" + reissued.id() + "/reissue", setup.key(), "{\"kind\": \"replace\"}"),
            201);
    String newPan = fixtures.revealPan(setup.key(), replaced.id());
    assertThat(newPan).isNotEqualTo(pan).startsWith(setup.range().bin());
    assertThat(luhn(newPan)).isTrue();
    assertThat(text(replaced.body(), "last4")).isEqualTo(newPan.substring(newPan.length() - 4));
    assertThat(text(replaced.body(), "replaces_card_id")).isEqualTo(reissued.id());
    assertThat(status(expect(api.get("/v1/cards/" + reissued.id(), setup.key()), 200)))
        .isEqualTo("terminated");

    List<JsonNode> live =
        list(setup.key(), "cardholder_id=" + setup.cardholderId() + "&status=active");
    assertThat(live).extracting(c -> text(c, "id")).containsExactly(replaced.id());
    assertThat(eventTypes(renewed.id())).contains("card.reissued");
    assertThat(eventTypes(replaced.id())).contains("card.reissued");
  }

  @Test
  void aReissueOnARevealOnceProgramShowsTheDetailsOfTheNewCardOnce() {
    Setup setup = fixtures.b2c("once", "", 0);
    Response created = fixtures.virtualCard(setup);
    String pan = text(created.body().get("sensitive"), "pan");

    Response renewed =
        expect(
            api.post(
                "/v1/cards/" + created.id() + "/reissue", setup.key(), "{\"kind\": \"renew\"}"),
            201);

    assertThat(text(renewed.body().get("sensitive"), "pan")).isEqualTo(pan);
    Response replaced =
        expect(
            api.post(
                "/v1/cards/" + renewed.id() + "/reissue", setup.key(), "{\"kind\": \"replace\"}"),
            201);
    assertThat(text(replaced.body().get("sensitive"), "pan")).isNotEqualTo(pan);
  }

  @Test
  void aCardBlockedAsLostCanOnlyBeReplaced() {
    Setup setup = fixtures.b2c("on_demand", "", 0);
    String cardId = fixtures.physicalCard(setup).id();
    Response physical = expect(api.get("/v1/cards/" + cardId, setup.key()), 200);
    String pan = fixtures.revealPan(setup.key(), cardId);
    expect(
        api.post(
            "/v1/cards/" + cardId + "/activate",
            setup.key(),
            activation(
                text(physical.body(), "last4"),
                physical.body().get("exp_month").asInt(),
                physical.body().get("exp_year").asInt())),
        200);
    expect(api.post("/v1/cards/" + cardId + "/block", setup.key(), "{\"reason\": \"lost\"}"), 200);

    for (String kind : List.of("renew", "reissue")) {
      Response refused =
          api.post("/v1/cards/" + cardId + "/reissue", setup.key(), "{\"kind\": \"" + kind + "\"}");
      assertStateConflict(refused, "blocked");
      assertThat(refused.text("detail")).contains("lost");
    }
    assertThat(status(expect(api.get("/v1/cards/" + cardId, setup.key()), 200)))
        .isEqualTo("blocked");

    Response replaced =
        expect(
            api.post("/v1/cards/" + cardId + "/reissue", setup.key(), "{\"kind\": \"replace\"}"),
            201);
    assertThat(status(replaced)).as("a new plastic waits for activation").isEqualTo("pending");
    assertThat(text(replaced.body(), "activation_code")).matches("[0-9]{8}");
    assertThat(text(replaced.body().get("shipping"), "status")).isEqualTo("created");
    assertThat(text(replaced.body(), "replaces_card_id")).isEqualTo(cardId);
    assertThat(fixtures.revealPan(setup.key(), replaced.id())).isNotEqualTo(pan);
    assertThat(status(expect(api.get("/v1/cards/" + cardId, setup.key()), 200)))
        .isEqualTo("terminated");
  }

  // ------------------------------------------------------------------ PINs

  @Test
  void aPinFromAnIso0OrIso4BlockIsKeptOnlyAsAPvv() {
    Setup setup = fixtures.b2c("on_demand", "", 0);
    String cardId = fixtures.virtualCard(setup).id();
    assertThat(
            expect(api.get("/v1/cards/" + cardId, setup.key()), 200)
                .body()
                .get("pin_set")
                .asBoolean())
        .isFalse();

    List<String> blocks = new ArrayList<>();
    for (String format : List.of("iso_0", "iso_4")) {
      String block = pinBlock(setup.key(), cardId, "4826", format);
      assertThat(block).hasSize("iso_0".equals(format) ? 16 : 32);
      blocks.add(block);

      Response set =
          expect(
              api.send(
                  "PUT",
                  "/v1/cards/" + cardId + "/pin",
                  setup.key(),
                  "{\"format\": \"%s\", \"pin_block\": \"%s\"}".formatted(format, block)),
              200);

      assertThat(set.body().get("pin_set").asBoolean()).isTrue();
      assertThat(set.raw()).doesNotContain(block);
      Map<String, Object> row =
          jdbc.sql("SELECT pvv, pvki, pin_tries FROM cards WHERE id = :id")
              .param("id", cardId)
              .query()
              .singleRow();
      assertThat((String) row.get("pvv")).matches("[0-9]{4}");
      assertThat(row.get("pvki")).isEqualTo(1);
      assertThat(row.get("pin_tries")).isEqualTo(0);
    }

    String rowText =
        jdbc.sql("SELECT c::text FROM cards c WHERE id = :id")
            .param("id", cardId)
            .query(String.class)
            .single()
            .toUpperCase(Locale.ROOT);
    for (String block : blocks) {
      assertThat(rowText).doesNotContain(block.toUpperCase(Locale.ROOT));
      assertThat(rowText).doesNotContain(block.substring(0, 12).toUpperCase(Locale.ROOT));
    }
    assertThat(eventTypes(cardId)).contains("card.pin_changed");
    assertThat(eventData(cardId))
        .noneMatch(d -> blocks.stream().anyMatch(b -> d.toUpperCase(Locale.ROOT).contains(b)));
  }

  @Test
  void aGarbagePinBlockIsRefusedAndLeavesNoPin() {
    Setup setup = fixtures.b2c("once", "", 0);
    String cardId = fixtures.virtualCard(setup).id();

    assertProblem(
        setPin(setup.key(), cardId, "iso_0", "FFFFFFFFFFFFFFFF"), 422, "invalid_pin_block");
    assertProblem(
        setPin(setup.key(), cardId, "iso_4", "00000000000000000000000000000000"),
        422,
        "invalid_pin_block");
    assertProblem(
        setPin(setup.key(), cardId, "iso_0", "not hex at all!!"), 400, "validation_failed");

    assertThat(
            expect(api.get("/v1/cards/" + cardId, setup.key()), 200)
                .body()
                .get("pin_set")
                .asBoolean())
        .isFalse();
    assertThat(
            jdbc.sql("SELECT pvv FROM cards WHERE id = :id")
                .param("id", cardId)
                .query(String.class)
                .optional())
        .isEmpty();
  }

  // ------------------------------------------------------------------ history, lists, events

  @Test
  void transitionsListEveryChangeNewestFirstWithActorAndReason() {
    Setup setup = fixtures.b2c("once", "", 0);
    String cardId = fixtures.virtualCard(setup).id();
    String card = "/v1/cards/" + cardId;
    Response second = fixtures.key(setup.tenant().id(), TestApi.ALL_SCOPES);

    expect(api.post(card + "/freeze", setup.key(), "{\"reason\": \"customer asked\"}"), 200);
    expect(api.post(card + "/unfreeze", second.text("secret"), null), 200);
    expect(api.post(card + "/block", setup.key(), "{\"reason\": \"fraud\"}"), 200);
    expect(api.post(card + "/terminate", setup.key(), "{\"reason\": \"closing\"}"), 200);

    List<JsonNode> history = transitions(setup.key(), cardId);
    assertThat(history)
        .extracting(t -> text(t, "action"))
        .containsExactly("terminate", "block", "unfreeze", "freeze", "create");
    assertThat(history)
        .extracting(t -> text(t, "from_status"))
        .containsExactly("blocked", "active", "frozen", "active", null);
    assertThat(history)
        .extracting(t -> text(t, "to_status"))
        .containsExactly("terminated", "blocked", "active", "frozen", "active");
    assertThat(history)
        .extracting(t -> text(t, "reason"))
        .containsExactly("closing", "fraud", null, "customer asked", null);
    assertThat(history)
        .extracting(t -> text(t, "actor"))
        .containsExactly(
            setup.tenant().keyId(),
            setup.tenant().keyId(),
            second.id(),
            setup.tenant().keyId(),
            setup.tenant().keyId());
    assertThat(history).allSatisfy(t -> assertThat(text(t, "id")).startsWith("ctr_"));
    assertThat(history).allSatisfy(t -> assertThat(text(t, "created_at")).isNotBlank());
  }

  @Test
  void listsFilterByCardholderStatusReferenceProgramAndMetadata() {
    Setup setup = fixtures.b2c("once", "", 0);
    Setup otherHolder =
        fixtures.withCardholder(setup.tenant(), setup.range(), setup.programId(), 0);
    String otherProgram =
        fixtures.program(setup.tenant().id(), setup.range().id(), "b2c", "once", "");
    String key = setup.key();
    String reference = "ref-" + UUID.randomUUID();
    String a =
        expect(
                fixtures.issue(
                    key,
                    setup.programId(),
                    setup.cardholderId(),
                    "virtual",
                    ", \"reference\": \"%s\", \"metadata\": {\"team\": \"ops\", \"project\": \"x\"}"
                        .formatted(reference)),
                201)
            .id();
    String b =
        expect(
                fixtures.issue(
                    key,
                    setup.programId(),
                    setup.cardholderId(),
                    "virtual",
                    ", \"metadata\": {\"team\": \"sales\"}"),
                201)
            .id();
    String c =
        expect(
                fixtures.issue(
                    key,
                    otherProgram,
                    otherHolder.cardholderId(),
                    "virtual",
                    ", \"metadata\": {\"team\": \"ops\"}"),
                201)
            .id();
    expect(api.post("/v1/cards/" + b + "/freeze", key, null), 200);

    assertThat(ids(list(key, ""))).containsExactly(c, b, a);
    assertThat(ids(list(key, "cardholder_id=" + setup.cardholderId()))).containsExactly(b, a);
    assertThat(ids(list(key, "cardholder_id=" + otherHolder.cardholderId()))).containsExactly(c);
    assertThat(ids(list(key, "status=frozen"))).containsExactly(b);
    assertThat(ids(list(key, "status=active"))).containsExactly(c, a);
    assertThat(ids(list(key, "reference=" + reference))).containsExactly(a);
    assertThat(ids(list(key, "program_id=" + otherProgram))).containsExactly(c);
    assertThat(ids(list(key, "program_id=" + setup.programId()))).containsExactly(b, a);
    assertThat(ids(list(key, "metadata%5Bteam%5D=ops"))).containsExactly(c, a);
    assertThat(ids(list(key, "metadata%5Bteam%5D=ops&metadata%5Bproject%5D=x"))).containsExactly(a);
    assertThat(ids(list(key, "metadata%5Bteam%5D=ops&program_id=" + setup.programId())))
        .containsExactly(a);
    assertThat(ids(list(key, "metadata%5Bteam%5D=nobody"))).isEmpty();
    assertThat(ids(list(key, "status=frozen&cardholder_id=" + otherHolder.cardholderId())))
        .isEmpty();
    assertThat(ids(list(key, "limit=2"))).containsExactly(c, b);
    assertThat(ids(list(key, "starting_after=" + b))).containsExactly(a);
    assertThat(list(key, "")).allSatisfy(card -> assertThat(card.has("sensitive")).isFalse());
  }

  @Test
  void eventsRecordEveryChangeAndNeverCarryTheCardNumber() {
    Setup setup = fixtures.b2c("on_demand", "", 1_000);
    String cardId = fixtures.virtualCard(setup).id();
    String card = "/v1/cards/" + cardId;
    String pan = fixtures.revealPan(setup.key(), cardId);
    String key = setup.key();

    expect(api.post(card + "/freeze", key, null), 200);
    expect(api.post(card + "/unfreeze", key, null), 200);
    expect(api.post(card + "/fund", key, "{\"amount\": 300, \"currency\": \"USD\"}"), 201);
    expect(api.post(card + "/withdraw", key, "{\"amount\": 100, \"currency\": \"USD\"}"), 201);
    expect(setPin(key, cardId, "iso_0", pinBlock(key, cardId, "1357", "iso_0")), 200);
    expect(api.post(card + "/block", key, "{\"reason\": \"fraud\"}"), 200);
    String replacement =
        expect(api.post(card + "/reissue", key, "{\"kind\": \"replace\"}"), 201).id();
    String replacementPan = fixtures.revealPan(key, replacement);
    expect(api.post("/v1/cards/" + replacement + "/terminate", key, null), 200);

    assertThat(eventTypes(cardId))
        .containsExactly(
            "card.created",
            "card.frozen",
            "card.unfrozen",
            "card.funded",
            "card.withdrawn",
            "card.pin_changed",
            "card.blocked");
    assertThat(eventTypes(replacement)).containsExactly("card.reissued", "card.terminated");
    assertThat(eventTypes(setup.walletId())).contains("wallet.debited", "wallet.credited");
    List<String> tenantEvents =
        jdbc.sql("SELECT data::text FROM events WHERE tenant_id = :t ORDER BY id")
            .param("t", setup.tenant().id())
            .query(String.class)
            .list();
    assertThat(tenantEvents).hasSizeGreaterThan(10);
    assertThat(tenantEvents)
        .allSatisfy(data -> assertThat(data).doesNotContain(pan).doesNotContain(replacementPan));
    assertThat(tenantEvents)
        .anySatisfy(data -> assertThat(data).contains(pan.substring(pan.length() - 4)));
  }

  // ------------------------------------------------------------------ helpers

  /** Sends {@code n} requests at once (released together by a latch) and collects the answers. */
  private static List<Response> concurrently(int n, Callable<Response> request) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
      List<Future<Response>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return request.call();
                }));
      }
      start.countDown();
      List<Response> answers = new ArrayList<>();
      for (Future<Response> f : futures) {
        answers.add(f.get(60, TimeUnit.SECONDS));
      }
      return answers;
    }
  }

  private static String activation(String last4, int month, int year) {
    return "{\"last4\": \"%s\", \"exp_month\": %d, \"exp_year\": %d}".formatted(last4, month, year);
  }

  private String pinBlock(String key, String cardId, String pin, String format) {
    return expect(
            api.post(
                "/v1/simulate/pin-blocks",
                key,
                "{\"card_id\": \"%s\", \"pin\": \"%s\", \"format\": \"%s\"}"
                    .formatted(cardId, pin, format)),
            200)
        .text("pin_block");
  }

  private Response setPin(String key, String cardId, String format, String block) {
    return api.send(
        "PUT",
        "/v1/cards/" + cardId + "/pin",
        key,
        "{\"format\": \"%s\", \"pin_block\": \"%s\"}".formatted(format, block));
  }

  private static Set<YearMonth> expiriesAround(int validityMonths) {
    // Two values only when the test runs across the turn of a month.
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    return Set.of(now.plusMonths(validityMonths), now.plusMonths(validityMonths + 1));
  }

  private static YearMonth expiry(JsonNode card) {
    return YearMonth.of(card.get("exp_year").asInt(), card.get("exp_month").asInt());
  }

  private static String status(Response card) {
    return text(card.body(), "status");
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }

  private static Response problem(Response r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("Content-Type")).contains("application/problem+json");
    return r;
  }

  private static void assertProblem(Response r, int status, String code) {
    problem(r, status);
    if (code != null) {
      assertThat(r.code()).as(r.toString()).isEqualTo(code);
    }
  }

  private static void assertStateConflict(Response r, String currentStatus) {
    assertProblem(r, 409, "card_state_conflict");
    assertThat(r.text("detail")).as(r.toString()).contains("is " + currentStatus);
  }

  private static List<String> fields(Response r) {
    List<String> fields = new ArrayList<>();
    r.body().get("errors").forEach(e -> fields.add(e.get("field").asString()));
    return fields;
  }

  private List<JsonNode> list(String key, String query) {
    Response page = expect(api.get("/v1/cards?" + query, key), 200);
    List<JsonNode> cards = new ArrayList<>();
    page.body().get("data").forEach(cards::add);
    return cards;
  }

  private static List<String> ids(List<JsonNode> cards) {
    return cards.stream().map(c -> text(c, "id")).toList();
  }

  private List<JsonNode> transitions(String key, String cardId) {
    Response page = expect(api.get("/v1/cards/" + cardId + "/transitions", key), 200);
    List<JsonNode> out = new ArrayList<>();
    page.body().get("data").forEach(out::add);
    return out;
  }

  private List<JsonNode> auditEntries(String objectId) {
    Response page =
        expect(api.get("/v1/admin/audit-log?limit=100&object_id=" + objectId, OPERATOR_KEY), 200);
    List<JsonNode> out = new ArrayList<>();
    page.body().get("data").forEach(out::add);
    return out;
  }

  private List<String> auditActions(String objectId) {
    return auditEntries(objectId).stream().map(e -> text(e, "action")).toList();
  }

  private long cardsOfCardholder(String cardholderId) {
    return jdbc.sql("SELECT count(*) FROM cards WHERE cardholder_id = :c")
        .param("c", cardholderId)
        .query(Long.class)
        .single();
  }

  private long feeRevenue(String tenantId) {
    return jdbc.sql(
            """
            SELECT coalesce(sum(ledger_balance), 0) FROM accounts
            WHERE tenant_id = :t AND kind = 'fee_revenue' AND currency = 'USD'
            """)
        .param("t", tenantId)
        .query(Long.class)
        .single();
  }

  private List<String> eventTypes(String objectId) {
    return jdbc.sql("SELECT type FROM events WHERE object_id = :o ORDER BY id")
        .param("o", objectId)
        .query(String.class)
        .list();
  }

  private List<String> eventData(String objectId) {
    return jdbc.sql("SELECT data::text FROM events WHERE object_id = :o ORDER BY id")
        .param("o", objectId)
        .query(String.class)
        .list();
  }
}
