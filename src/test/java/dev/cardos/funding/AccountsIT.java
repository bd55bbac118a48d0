package dev.cardos.funding;

import static dev.cardos.funding.FundingTenant.data;
import static dev.cardos.funding.FundingTenant.fields;
import static dev.cardos.funding.FundingTenant.ids;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/accounts} (SPEC §2 Account, §3, §8): funding accounts and wallets, their balances,
 * filters, entries, and another tenant's accounts staying invisible.
 */
@ServerTest
class AccountsIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  private TestApi api;

  @BeforeEach
  void connect() {
    api = new TestApi(port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"USD", "JPY", "BHD"})
  void opensAFundingAccountWithZeroBalancesInACurrencyOfAnyMinorUnit(String currency) {
    FundingTenant tenant = FundingTenant.create(api, "test");

    Response opened =
        expect(
            tenant.openAccount("{\"kind\": \"funding\", \"currency\": \"" + currency + "\"}"), 201);

    assertThat(opened.id()).startsWith("acct_");
    assertThat(opened.text("kind")).isEqualTo("funding");
    assertThat(opened.text("currency")).isEqualTo(currency);
    assertThat(opened.body().get("livemode").asBoolean()).isFalse();
    assertThat(opened.text("cardholder_id")).isNull();
    assertBalances(opened.body(), 0, 0, 0);
    assertThat(tenant.account(opened.id())).isEqualTo(opened.body());
    assertThat(
            jdbc.sql("SELECT kind, currency FROM accounts WHERE id = :id")
                .param("id", opened.id())
                .query((rs, row) -> rs.getString(1) + "/" + rs.getString(2))
                .single())
        .isEqualTo("funding/" + currency);
  }

  @Test
  void aSecondFundingAccountInTheSameCurrencyIsRefusedAsExisting() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String first = tenant.funding("USD");

    Response second = tenant.openAccount("{\"kind\": \"funding\", \"currency\": \"USD\"}");

    assertThat(second.status()).isEqualTo(409);
    assertThat(second.code()).isEqualTo("account_exists");
    assertThat(ids(expect(tenant.get("/v1/accounts?kind=funding&currency=USD"), 200)))
        .containsExactly(first);
    // Another currency, and another tenant in the same currency, are separate accounts.
    tenant.funding("EUR");
    FundingTenant.create(api, "test").funding("USD");
  }

  @Test
  void aWalletBelongsToAnExistingCardholderOfTheSameTenant() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    FundingTenant other = FundingTenant.create(api, "test");
    String cardholder = tenant.cardholder("wallet-owner");
    String foreignCardholder = other.cardholder("foreign-owner");

    Response opened =
        expect(
            tenant.openAccount(
                "{\"kind\": \"wallet\", \"currency\": \"USD\", \"cardholder_id\": \"%s\"}"
                    .formatted(cardholder)),
            201);
    assertThat(opened.text("kind")).isEqualTo("wallet");
    assertThat(opened.text("cardholder_id")).isEqualTo(cardholder);
    assertBalances(opened.body(), 0, 0, 0);

    Response foreign =
        tenant.openAccount(
            "{\"kind\": \"wallet\", \"currency\": \"USD\", \"cardholder_id\": \"%s\"}"
                .formatted(foreignCardholder));
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.code()).isEqualTo("resource_not_found");

    Response missing = tenant.openAccount("{\"kind\": \"wallet\", \"currency\": \"USD\"}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(fields(missing)).containsExactly("cardholder_id");

    assertThat(ids(expect(tenant.get("/v1/accounts?limit=100"), 200))).containsExactly(opened.id());
    assertThat(ids(expect(other.get("/v1/accounts?limit=100"), 200))).isEmpty();
  }

  @Test
  void aCardholderHasOneWalletPerCurrency() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String cardholder = tenant.cardholder("one-wallet");
    String usd = tenant.wallet(cardholder, "USD");

    Response again =
        tenant.openAccount(
            "{\"kind\": \"wallet\", \"currency\": \"USD\", \"cardholder_id\": \"%s\"}"
                .formatted(cardholder));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("account_exists");

    String eur = tenant.wallet(cardholder, "EUR");
    String otherCardholdersUsd = tenant.wallet(tenant.cardholder("another"), "USD");
    assertThat(ids(expect(tenant.get("/v1/accounts?cardholder_id=" + cardholder), 200)))
        .containsExactly(eur, usd);
    assertThat(otherCardholdersUsd).isNotIn(usd, eur);
  }

  @ParameterizedTest
  @ValueSource(strings = {"card", "settlement", "fee_revenue", "fx", "suspense"})
  void onlyFundingAccountsAndWalletsCanBeOpened(String kind) {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String cardholder = tenant.cardholder("kind-" + kind);

    Response refused =
        tenant.openAccount(
            "{\"kind\": \"%s\", \"currency\": \"USD\", \"cardholder_id\": \"%s\"}"
                .formatted(kind, cardholder));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("validation_failed");
    assertThat(fields(refused)).containsExactly("kind");
    assertThat(tenant.count(jdbc, "accounts")).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"XXX", "usd", "ABCD", "XAU", "US", ""})
  void anUnknownCurrencyIsRefusedNamingTheCurrency(String currency) {
    FundingTenant tenant = FundingTenant.create(api, "test");

    Response refused =
        tenant.openAccount("{\"kind\": \"funding\", \"currency\": \"" + currency + "\"}");

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("validation_failed");
    assertThat(fields(refused)).containsExactly("currency");
    assertThat(tenant.count(jdbc, "accounts")).isZero();
  }

  @Test
  void listsFilterByKindCurrencyAndCardholderNewestFirst() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String alice = tenant.cardholder("alice");
    String bob = tenant.cardholder("bob");
    String fundingUsd = tenant.funding("USD");
    String aliceUsd = tenant.wallet(alice, "USD");
    String fundingJpy = tenant.funding("JPY");
    String bobUsd = tenant.wallet(bob, "USD");
    String aliceBhd = tenant.wallet(alice, "BHD");

    assertThat(list(tenant, ""))
        .containsExactly(aliceBhd, bobUsd, fundingJpy, aliceUsd, fundingUsd);
    assertThat(list(tenant, "kind=funding")).containsExactly(fundingJpy, fundingUsd);
    assertThat(list(tenant, "kind=wallet")).containsExactly(aliceBhd, bobUsd, aliceUsd);
    assertThat(list(tenant, "currency=USD")).containsExactly(bobUsd, aliceUsd, fundingUsd);
    assertThat(list(tenant, "cardholder_id=" + alice)).containsExactly(aliceBhd, aliceUsd);
    assertThat(list(tenant, "kind=wallet&currency=USD&cardholder_id=" + bob))
        .containsExactly(bobUsd);
    assertThat(list(tenant, "kind=funding&currency=BHD")).isEmpty();
    assertThat(list(tenant, "limit=2")).containsExactly(aliceBhd, bobUsd);
    assertThat(list(tenant, "limit=2&starting_after=" + bobUsd))
        .containsExactly(fundingJpy, aliceUsd);

    Response badKind = tenant.get("/v1/accounts?kind=dragon");
    assertThat(badKind.status()).isEqualTo(400);
    assertThat(fields(badKind)).containsExactly("kind");
  }

  @Test
  void anotherTenantsAccountIsNotFoundAnywhere() {
    FundingTenant owner = FundingTenant.create(api, "test");
    FundingTenant stranger = FundingTenant.create(api, "test");
    String ownersAccount = owner.funding("USD");
    owner.fund(ownersAccount, 5_000, "USD");
    String strangersAccount = stranger.funding("USD");
    stranger.fund(strangersAccount, 5_000, "USD");
    long strangerPostings = stranger.count(jdbc, "postings");

    assertNotFound(stranger.get("/v1/accounts/" + ownersAccount));
    assertNotFound(stranger.get("/v1/accounts/" + ownersAccount + "/entries"));
    assertNotFound(stranger.transfer(ownersAccount, strangersAccount, 100, "USD"));
    assertNotFound(stranger.transfer(strangersAccount, ownersAccount, 100, "USD"));
    assertNotFound(stranger.depositSwift(ownersAccount, 100, "USD"));
    // The stranger's list holds its own funding account and the settlement account its deposit
    // opened, nothing of the owner's.
    assertThat(ids(expect(stranger.get("/v1/accounts?limit=100"), 200)))
        .contains(strangersAccount)
        .doesNotContain(ownersAccount)
        .hasSize(2);

    // Nothing moved on either side.
    assertThat(owner.ledger(ownersAccount)).isEqualTo(5_000);
    assertThat(owner.entries(ownersAccount)).hasSize(1);
    assertThat(stranger.ledger(strangersAccount)).isEqualTo(5_000);
    assertThat(stranger.count(jdbc, "postings")).isEqualTo(strangerPostings);
    assertThat(stranger.count(jdbc, "transfers")).isZero();
    // The answer for a foreign id is the one for an id that does not exist at all.
    Response unknown = stranger.get("/v1/accounts/acct_00000000000000000000000000");
    assertThat(stranger.get("/v1/accounts/" + ownersAccount).text("title"))
        .isEqualTo(unknown.text("title"));
  }

  @Test
  void aLiveKeyDoesNotSeeTestAccountsOfItsOwnTenant() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String testAccount = tenant.funding("USD");
    String liveKey = api.createKey(tenant.id, "live", FundingTenant.SCOPES).text("secret");

    assertNotFound(api.get("/v1/accounts/" + testAccount, liveKey));
    assertThat(ids(expect(api.get("/v1/accounts", liveKey), 200))).isEmpty();
    // The live world has its own USD funding account.
    Response live =
        expect(
            api.post("/v1/accounts", liveKey, "{\"kind\": \"funding\", \"currency\": \"USD\"}"),
            201);
    assertThat(live.body().get("livemode").asBoolean()).isTrue();
  }

  @Test
  void entriesListNewestFirstWithTheBalanceAfterEach() {
    FundingTenant tenant = FundingTenant.create(api, "test");
    String account = tenant.funding("BHD");
    tenant.fund(account, 1_000, "BHD");
    tenant.fund(account, 2_500, "BHD");
    tenant.fund(account, 125, "BHD");

    List<JsonNode> entries = tenant.entries(account);

    assertThat(entries)
        .extracting(e -> e.get("amount").asLong())
        .containsExactly(125L, 2_500L, 1_000L);
    assertThat(entries)
        .extracting(e -> e.get("balance_after").asLong())
        .containsExactly(3_625L, 3_500L, 1_000L);
    assertThat(entries)
        .allSatisfy(
            e -> {
              assertThat(e.get("id").asString()).startsWith("ent_");
              assertThat(e.get("account_id").asString()).isEqualTo(account);
              assertThat(e.get("currency").asString()).isEqualTo("BHD");
              assertThat(e.get("kind").asString()).isEqualTo("deposit");
              assertThat(e.get("reference_id").asString()).startsWith("dep_");
            });
    assertThat(tenant.ledger(account)).isEqualTo(3_625);

    Response firstPage = expect(tenant.get("/v1/accounts/" + account + "/entries?limit=2"), 200);
    assertThat(data(firstPage)).hasSize(2);
    assertThat(firstPage.body().get("has_more").asBoolean()).isTrue();
    Response rest =
        expect(
            tenant.get(
                "/v1/accounts/"
                    + account
                    + "/entries?limit=2&starting_after="
                    + data(firstPage).get(1).get("id").asString()),
            200);
    assertThat(data(rest)).extracting(e -> e.get("amount").asLong()).containsExactly(1_000L);
    assertThat(rest.body().get("has_more").asBoolean()).isFalse();
  }

  private static List<String> list(FundingTenant tenant, String query) {
    return ids(expect(tenant.get("/v1/accounts?" + query), 200));
  }

  private static void assertBalances(JsonNode account, long ledger, long held, long available) {
    JsonNode balances = account.get("balances");
    assertThat(balances.get("ledger").asLong()).isEqualTo(ledger);
    assertThat(balances.get("held").asLong()).isEqualTo(held);
    assertThat(balances.get("available").asLong()).isEqualTo(available);
    assertThat(balances.properties()).hasSize(3);
  }

  private static void assertNotFound(Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(404);
    assertThat(response.code()).isEqualTo("resource_not_found");
  }
}
