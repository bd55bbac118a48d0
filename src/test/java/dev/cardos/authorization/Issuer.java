package dev.cardos.authorization;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;

import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A fresh tenant set up to issue cards, as the operator and the tenant would do it over HTTP: a key
 * with every scope and a high rate limit, a sponsor, a BIN range with a random BIN of its own, and
 * the requests the authorization tests make over and over. Helpers named after an object expect
 * success.
 */
final class Issuer {

  private static final AtomicInteger REFERENCES = new AtomicInteger();

  final TestApi api;
  final String tenantId;
  final String key;
  final String sponsorId;

  private Issuer(TestApi api, String tenantId, String key, String sponsorId) {
    this.api = api;
    this.tenantId = tenantId;
    this.key = key;
    this.sponsorId = sponsorId;
  }

  static Issuer create(TestApi api) {
    String tenant = api.createTenant("Authorizations " + UUID.randomUUID());
    String scopes =
        String.join(",", TestApi.ALL_SCOPES.stream().map(s -> "\"" + s + "\"").toList());
    String key =
        expect(
                api.post(
                    "/v1/admin/tenants/" + tenant + "/api-keys",
                    OPERATOR_KEY,
                    """
                    {"mode": "test", "scopes": [%s], "rate_limit_per_second": 100000}
                    """
                        .formatted(scopes)),
                201)
            .text("secret");
    String sponsor =
        expect(
                api.post(
                    "/v1/admin/sponsors",
                    OPERATOR_KEY,
                    "{\"name\": \"Sponsor Bank\", \"country\": \"US\", \"regions\": [\"US\"]}"),
                201)
            .id();
    return new Issuer(api, tenant, key, sponsor);
  }

  // ------------------------------------------------------------------ operator

  /** A BIN range with a random 8-digit BIN nobody else holds; returns its id. */
  String binRange(String... features) {
    String featureList =
        String.join(",", List.of(features).stream().map(f -> "\"" + f + "\"").toList());
    for (int attempt = 0; attempt < 20; attempt++) {
      String bin = "4" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
      Response r =
          api.post(
              "/v1/admin/bin-ranges",
              OPERATOR_KEY,
              """
              {"bin": "%s", "network": "visa", "sponsor_id": "%s", "country": "US",
               "currencies": ["USD", "EUR", "JPY"], "forms": ["virtual", "physical"],
               "features": [%s]}
              """
                  .formatted(bin, sponsorId, featureList));
      if (r.status() == 201) {
        return r.id();
      }
      if (!"bin_taken".equals(r.code())) {
        throw new AssertionError("expected 201 but got " + r);
      }
    }
    throw new AssertionError("no free BIN found");
  }

  /**
   * A program on a new BIN range (no features), with on_demand reveal so tests can learn a card's
   * CVV2 and number; {@code extraJson} is appended to the body ("" or {@code , "key": value...}).
   */
  String program(String kind, String extraJson) {
    return programOn(binRange(), kind, extraJson);
  }

  String programOn(String binRangeId, String kind, String extraJson) {
    return expect(
            api.post(
                "/v1/admin/programs",
                OPERATOR_KEY,
                """
                {"tenant_id": "%s", "name": "Program", "bin_range_id": "%s", "kind": "%s",
                 "currency": "USD", "markets": ["US"], "reveal_policy": "on_demand" %s}
                """
                    .formatted(tenantId, binRangeId, kind, extraJson)),
            201)
        .id();
  }

  // ------------------------------------------------------------------ tenant

  Response post(String path, String json) {
    return api.post(path, key, json);
  }

  Response get(String path) {
    return api.get(path, key);
  }

  Response put(String path, String json) {
    return api.send("PUT", path, key, json);
  }

  /** A cardholder whose KYC is verified. */
  String cardholder() {
    String id =
        expect(
                post(
                    "/v1/cardholders",
                    TestApi.cardholderJson("ref-" + REFERENCES.incrementAndGet())),
                201)
            .id();
    expect(api.patch("/v1/cardholders/" + id, key, "{\"kyc_status\": \"verified\"}"), 200);
    return id;
  }

  /** Credits the account by a SWIFT deposit. */
  void deposit(String accountId, long amount) {
    expect(
        post(
            "/v1/simulate/deposits",
            """
            {"account_id": "%s", "amount": %d, "currency": "USD",
             "rail": "bank_transfer", "scheme": "swift"}
            """
                .formatted(accountId, amount)),
        201);
  }

  /** The cardholder's USD wallet, credited with {@code amount}. */
  String fundedWallet(String cardholderId, long amount) {
    String wallet =
        expect(
                post(
                    "/v1/accounts",
                    "{\"kind\": \"wallet\", \"currency\": \"USD\", \"cardholder_id\": \"%s\"}"
                        .formatted(cardholderId)),
                201)
            .id();
    deposit(wallet, amount);
    return wallet;
  }

  /** The tenant's USD funding account (b2b cards draw on it), credited with {@code amount}. */
  String fundedFundingAccount(long amount) {
    String account =
        expect(post("/v1/accounts", "{\"kind\": \"funding\", \"currency\": \"USD\"}"), 201).id();
    deposit(account, amount);
    return account;
  }

  /** A virtual card of the program for the cardholder (null for a b2b card); the card JSON. */
  JsonNode issue(String programId, String cardholderId, String form) {
    String holder = cardholderId == null ? "" : ", \"cardholder_id\": \"" + cardholderId + "\"";
    return expect(
            post(
                "/v1/cards",
                "{\"program_id\": \"%s\", \"form\": \"%s\"%s}".formatted(programId, form, holder)),
            201)
        .body();
  }

  /** Moves {@code amount} from the cardholder's wallet onto the card. */
  void fund(String cardId, long amount) {
    expect(
        post(
            "/v1/cards/" + cardId + "/fund",
            "{\"amount\": %d, \"currency\": \"USD\"}".formatted(amount)),
        201);
  }

  /**
   * A b2c program, a verified cardholder with a wallet, and a virtual card holding {@code amount}.
   */
  TestCard b2cCard(long amount) {
    return b2cCardOn(program("b2c", ""), amount);
  }

  TestCard b2cCardOn(String programId, long amount) {
    String cardholder = cardholder();
    fundedWallet(cardholder, amount);
    JsonNode card = issue(programId, cardholder, "virtual");
    String id = card.get("id").asString();
    fund(id, amount);
    return new TestCard(
        id,
        cardholder,
        card.get("account_id").asString(),
        programId,
        card.get("exp_month").asInt(),
        card.get("exp_year").asInt());
  }

  /** A card as the tests need it. */
  record TestCard(
      String id,
      String cardholderId,
      String accountId,
      String programId,
      int expMonth,
      int expYear) {}

  /** The card's number, CVV2 and expiry (the programs here reveal on demand). */
  JsonNode sensitive(String cardId) {
    return expect(get("/v1/cards/" + cardId + "/sensitive"), 200).body();
  }

  /** The account's balances: {@code ledger}, {@code held}, {@code available}. */
  JsonNode balances(String accountId) {
    return expect(get("/v1/accounts/" + accountId), 200).body().get("balances");
  }

  void putCardControls(String cardId, String json) {
    expect(put("/v1/cards/" + cardId + "/controls", json), 200);
  }

  // ------------------------------------------------------------------ authorizations

  /** The JSON of a simulated authorization of {@code amount} USD at a grocery store. */
  static String authorization(String cardId, long amount) {
    return authorization(cardId, amount, "USD", "pos", "m_grocer", "5411", "US", "");
  }

  static String authorization(
      String cardId,
      long amount,
      String currency,
      String channel,
      String merchantId,
      String mcc,
      String country,
      String extraJson) {
    return """
        {"card_id": "%s", "amount": %d, "currency": "%s", "channel": "%s",
         "merchant": {"id": "%s", "name": "Corner Shop", "mcc": "%s", "city": "Austin",
                      "country": "%s"} %s}
        """
        .formatted(cardId, amount, currency, channel, merchantId, mcc, country, extraJson);
  }

  /** Posts a simulated authorization and expects it answered (201); returns the authorization. */
  JsonNode authorize(String json) {
    return expect(post("/v1/simulate/authorizations", json), 201).body();
  }

  JsonNode authorize(String cardId, long amount) {
    return authorize(authorization(cardId, amount));
  }

  JsonNode authorizationById(String id) {
    return expect(get("/v1/authorizations/" + id), 200).body();
  }

  /** The ids of a page's {@code data}. */
  static List<String> ids(Response page) {
    List<String> out = new ArrayList<>();
    page.body().get("data").forEach(n -> out.add(n.get("id").asString()));
    return out;
  }
}
