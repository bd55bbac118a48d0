package dev.cardos.cards;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;

import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The world a card needs, built over HTTP as the operator and a tenant would: a tenant and key, a
 * sponsor, a BIN range with a BIN of its own, a program, a verified cardholder and a funded wallet.
 * Every call expects success; tests that probe a refusal use {@link #api} directly.
 */
public final class CardFixtures {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int BIN_ATTEMPTS_MAX = 20;

  public final TestApi api;

  public CardFixtures(int port) {
    this.api = new TestApi(port);
  }

  /** A tenant with one test key holding every scope and a high rate limit. */
  public record Tenant(String id, String key, String keyId) {}

  /** A recorded BIN range. */
  public record BinRangeRef(String id, String bin, int panLength, Response answer) {}

  /** A b2c program ready to issue: its tenant, range, a verified cardholder and funded wallet. */
  public record Setup(
      Tenant tenant, BinRangeRef range, String programId, String cardholderId, String walletId) {

    public String key() {
      return tenant.key();
    }
  }

  public Tenant tenant() {
    String id = api.createTenant("Cards " + UUID.randomUUID());
    Response key = key(id, TestApi.ALL_SCOPES);
    return new Tenant(id, key.text("secret"), key.id());
  }

  /** A test key for the tenant with these scopes and a high rate limit. */
  public Response key(String tenantId, List<String> scopes) {
    String scopeList = scopes.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(","));
    return expect(
        api.post(
            "/v1/admin/tenants/" + tenantId + "/api-keys",
            OPERATOR_KEY,
            """
            {"mode": "test", "scopes": [%s], "rate_limit_per_second": 10000}
            """
                .formatted(scopeList)),
        201);
  }

  public String sponsor() {
    return expect(
            api.post(
                "/v1/admin/sponsors",
                OPERATOR_KEY,
                """
                {"name": "Sponsor %s", "country": "US", "regions": ["US"]}
                """
                    .formatted(UUID.randomUUID())),
            201)
        .id();
  }

  /** A random 8-digit Visa BIN; {@link #binRange} retries when another test took it. */
  public static String randomBin() {
    return randomBin(8);
  }

  /** A random Visa BIN of 6 to 8 digits. */
  public static String randomBin(int digits) {
    StringBuilder bin = new StringBuilder("4");
    while (bin.length() < digits) {
      bin.append(RANDOM.nextInt(10));
    }
    return bin.toString();
  }

  /** The BIN range JSON with a given BIN and sponsor; {@code extra} is appended to the object. */
  public static String binRangeJson(String bin, String sponsorId, String extra) {
    return """
        {"bin": "%s", "network": "visa", "sponsor_id": "%s", "country": "US",
         "currencies": ["USD"], "forms": ["virtual", "physical"]%s}
        """
        .formatted(bin, sponsorId, extra);
  }

  public BinRangeRef binRange() {
    return binRange("");
  }

  /** A BIN range with a fresh random BIN; {@code extra} adds fields such as pan_length. */
  public BinRangeRef binRange(String extra) {
    return binRange(8, extra);
  }

  /** A BIN range with a fresh random BIN of {@code binDigits} digits. */
  public BinRangeRef binRange(int binDigits, String extra) {
    String sponsor = sponsor();
    for (int attempt = 0; attempt < BIN_ATTEMPTS_MAX; attempt++) {
      String bin = randomBin(binDigits);
      Response r =
          api.post("/v1/admin/bin-ranges", OPERATOR_KEY, binRangeJson(bin, sponsor, extra));
      if (r.status() == 409 && "bin_taken".equals(r.code())) {
        continue;
      }
      expect(r, 201);
      return new BinRangeRef(r.id(), bin, r.body().get("pan_length").asInt(), r);
    }
    throw new AssertionError("no free BIN after " + BIN_ATTEMPTS_MAX + " attempts");
  }

  /**
   * A program; {@code extra} is appended to the JSON object (", \"max_cards_per_cardholder\": 2").
   */
  public String program(
      String tenantId, String binRangeId, String kind, String revealPolicy, String extra) {
    return expect(
            api.post(
                "/v1/admin/programs",
                OPERATOR_KEY,
                """
                {"tenant_id": "%s", "name": "Program %s", "bin_range_id": "%s", "kind": "%s",
                 "currency": "USD", "markets": ["US"], "reveal_policy": "%s"%s}
                """
                    .formatted(tenantId, UUID.randomUUID(), binRangeId, kind, revealPolicy, extra)),
            201)
        .id();
  }

  public String cardholder(String key, String kycStatus) {
    String body =
        TestApi.cardholderJson("user-" + UUID.randomUUID())
            .replace("\"first_name\"", "\"kyc_status\": \"" + kycStatus + "\", \"first_name\"");
    return expect(api.post("/v1/cardholders", key, body), 201).id();
  }

  public String verifiedCardholder(String key) {
    return cardholder(key, "verified");
  }

  public String wallet(String key, String cardholderId) {
    return expect(
            api.post(
                "/v1/accounts",
                key,
                """
                {"kind": "wallet", "currency": "USD", "cardholder_id": "%s"}
                """
                    .formatted(cardholderId)),
            201)
        .id();
  }

  public String fundingAccount(String key) {
    return expect(
            api.post("/v1/accounts", key, "{\"kind\": \"funding\", \"currency\": \"USD\"}"), 201)
        .id();
  }

  public void deposit(String key, String accountId, long amount) {
    expect(
        api.post(
            "/v1/simulate/deposits",
            key,
            """
            {"account_id": "%s", "amount": %d, "currency": "USD", "rail": "bank_transfer",
             "scheme": "swift"}
            """
                .formatted(accountId, amount)),
        201);
  }

  /** The account's available balance in minor units. */
  public long available(String key, String accountId) {
    return expect(api.get("/v1/accounts/" + accountId, key), 200)
        .body()
        .get("balances")
        .get("available")
        .asLong();
  }

  /** A new tenant with a b2c program, a verified cardholder and a wallet holding {@code funds}. */
  public Setup b2c(String revealPolicy, String programExtra, long funds) {
    Tenant tenant = tenant();
    BinRangeRef range = binRange();
    String program = program(tenant.id(), range.id(), "b2c", revealPolicy, programExtra);
    return withCardholder(tenant, range, program, funds);
  }

  /** Another verified cardholder with a wallet holding {@code funds} on the same program. */
  public Setup withCardholder(Tenant tenant, BinRangeRef range, String programId, long funds) {
    String cardholder = verifiedCardholder(tenant.key());
    String wallet = wallet(tenant.key(), cardholder);
    if (funds > 0) {
      deposit(tenant.key(), wallet, funds);
    }
    return new Setup(tenant, range, programId, cardholder, wallet);
  }

  public Response issue(String key, String programId, String cardholderId, String form) {
    return issue(key, programId, cardholderId, form, "");
  }

  /** POST /v1/cards as is; {@code extra} is appended to the JSON object. */
  public Response issue(
      String key, String programId, String cardholderId, String form, String extra) {
    String holder = cardholderId == null ? "" : "\"cardholder_id\": \"" + cardholderId + "\", ";
    return api.post(
        "/v1/cards",
        key,
        "{\"program_id\": \"%s\", %s\"form\": \"%s\"%s}".formatted(programId, holder, form, extra));
  }

  public Response virtualCard(Setup setup) {
    return expect(issue(setup.key(), setup.programId(), setup.cardholderId(), "virtual"), 201);
  }

  public Response physicalCard(Setup setup) {
    return expect(issue(setup.key(), setup.programId(), setup.cardholderId(), "physical"), 201);
  }

  /** The card's number from {@code GET /v1/cards/{id}/sensitive} (on_demand programs). */
  public String revealPan(String key, String cardId) {
    return expect(api.get("/v1/cards/" + cardId + "/sensitive", key), 200).text("pan");
  }

  /** Whether a digit string passes the Luhn check (written here, independent of the code). */
  public static boolean luhn(String digits) {
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }
}
