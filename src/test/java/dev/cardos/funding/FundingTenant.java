package dev.cardos.funding;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;

import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A fresh tenant with one API key holding the funding and cardholder scopes, and the requests the
 * funding tests make over and over. Helpers named after an object expect success; {@link #post} and
 * {@link #get} return whatever the server answered.
 */
final class FundingTenant {

  static final String[] SCOPES = {"funds:read", "funds:write", "cards:read", "cards:write"};

  final TestApi api;
  final String id;
  final String key;

  private FundingTenant(TestApi api, String id, String key) {
    this.api = api;
    this.id = id;
    this.key = key;
  }

  /** A new tenant and a key of this mode ({@code test} or {@code live}) with the default limit. */
  static FundingTenant create(TestApi api, String mode) {
    String tenant = api.createTenant("Funding " + UUID.randomUUID());
    return new FundingTenant(api, tenant, api.createKey(tenant, mode, SCOPES).text("secret"));
  }

  /** A new test-mode tenant whose key may make many requests per second. */
  static FundingTenant createUnthrottled(TestApi api) {
    String tenant = api.createTenant("Funding " + UUID.randomUUID());
    String secret =
        expect(
                api.post(
                    "/v1/admin/tenants/" + tenant + "/api-keys",
                    OPERATOR_KEY,
                    """
                    {"mode": "test",
                     "scopes": ["funds:read", "funds:write", "cards:read", "cards:write"],
                     "rate_limit_per_second": 10000}
                    """),
                201)
            .text("secret");
    return new FundingTenant(api, tenant, secret);
  }

  Response post(String path, String json, String... headers) {
    return api.post(path, key, json, headers);
  }

  Response get(String path) {
    return api.get(path, key);
  }

  Response put(String path, String json) {
    return api.send("PUT", path, key, json);
  }

  // ------------------------------------------------------------------ accounts

  Response openAccount(String json) {
    return post("/v1/accounts", json);
  }

  String funding(String currency) {
    return expect(openAccount("{\"kind\": \"funding\", \"currency\": \"" + currency + "\"}"), 201)
        .id();
  }

  String wallet(String cardholderId, String currency) {
    return expect(
            openAccount(
                "{\"kind\": \"wallet\", \"currency\": \"%s\", \"cardholder_id\": \"%s\"}"
                    .formatted(currency, cardholderId)),
            201)
        .id();
  }

  JsonNode account(String accountId) {
    return expect(get("/v1/accounts/" + accountId), 200).body();
  }

  /** The account's {@code balances}: {@code ledger}, {@code held}, {@code available}. */
  JsonNode balances(String accountId) {
    return account(accountId).get("balances");
  }

  long ledger(String accountId) {
    return balances(accountId).get("ledger").asLong();
  }

  long available(String accountId) {
    return balances(accountId).get("available").asLong();
  }

  /** Every entry of the account, newest first (at most 100). */
  List<JsonNode> entries(String accountId) {
    return data(expect(get("/v1/accounts/" + accountId + "/entries?limit=100"), 200));
  }

  // ------------------------------------------------------------------ cardholders

  /** A cardholder with this reference and identity document; returns its id. */
  String cardholder(String reference, String documentType, String documentNumber) {
    String json =
        """
        {"reference": "%s", "first_name": "Grace", "last_name": "Hopper",
         "email": "grace@example.com", "phone": "+15125550100", "date_of_birth": "1985-12-09",
         "billing_address": {"line1": "1 Main St", "city": "Austin", "state": "TX",
                             "postal_code": "78701", "country": "US"},
         "document": {"type": "%s", "number": "%s", "country": "US"}}
        """
            .formatted(reference, documentType, documentNumber);
    return expect(post("/v1/cardholders", json), 201).id();
  }

  String cardholder(String reference) {
    return cardholder(reference, "passport", "P" + reference.hashCode() + "X");
  }

  // ------------------------------------------------------------------ money

  void feeRules(String rulesJsonArray) {
    expect(put("/v1/fee-rules", "{\"rules\": " + rulesJsonArray + "}"), 200);
  }

  /** A SWIFT deposit: the rail that takes any currency. */
  Response depositSwift(String accountId, long amount, String currency) {
    return post(
        "/v1/simulate/deposits",
        """
        {"account_id": "%s", "amount": %d, "currency": "%s",
         "rail": "bank_transfer", "scheme": "swift"}
        """
            .formatted(accountId, amount, currency));
  }

  /** Credits the account by a SWIFT deposit; the tenant must have no deposit fee for it. */
  void fund(String accountId, long amount, String currency) {
    Response r = expect(depositSwift(accountId, amount, currency), 201);
    if (r.body().get("fee_amount").asLong() != 0) {
      throw new AssertionError("funding the account charged a fee: " + r);
    }
  }

  Response transfer(String fromAccountId, String toAccountId, long amount, String currency) {
    return post(
        "/v1/transfers",
        "{\"from_account_id\": \"%s\", \"to_account_id\": \"%s\", \"amount\": %d, \"currency\": \"%s\"}"
            .formatted(fromAccountId, toAccountId, amount, currency));
  }

  // ------------------------------------------------------------------ the tables

  /** Rows of a tenant-scoped table ({@code deposits}, {@code transfers}, {@code postings}...). */
  long count(JdbcClient jdbc, String table) {
    return jdbc.sql("SELECT count(*) FROM " + table + " WHERE tenant_id = :tenant")
        .param("tenant", id)
        .query(Long.class)
        .single();
  }

  /** Entries on any of the tenant's accounts. */
  long entryCount(JdbcClient jdbc) {
    return jdbc.sql(
            """
            SELECT count(*) FROM entries e JOIN accounts a ON a.id = e.account_id
            WHERE a.tenant_id = :tenant
            """)
        .param("tenant", id)
        .query(Long.class)
        .single();
  }

  /** The ledger balance of the tenant's system account of this kind and currency, if opened. */
  Long systemBalance(JdbcClient jdbc, String kind, String currency) {
    return jdbc.sql(
            """
            SELECT ledger_balance FROM accounts
            WHERE tenant_id = :tenant AND mode = 'test' AND kind = :kind AND currency = :currency
            """)
        .param("tenant", id)
        .param("kind", kind)
        .param("currency", currency)
        .query(Long.class)
        .optional()
        .orElse(null);
  }

  /** The tenant's events, oldest first, as type, object id and data text. */
  List<Event> events(JdbcClient jdbc) {
    return jdbc.sql(
            "SELECT type, object_id, data::text FROM events WHERE tenant_id = :tenant ORDER BY id")
        .param("tenant", id)
        .query((rs, row) -> new Event(rs.getString(1), rs.getString(2), rs.getString(3)))
        .list();
  }

  record Event(String type, String objectId, String data) {}

  static List<JsonNode> data(Response page) {
    List<JsonNode> out = new ArrayList<>();
    page.body().get("data").forEach(out::add);
    return out;
  }

  /** The fields a problem answer names in its {@code errors}. */
  static List<String> fields(Response problem) {
    if (!String.valueOf(problem.header("Content-Type")).startsWith("application/problem+json")
        || problem.body().get("errors") == null) {
      throw new AssertionError("expected a problem naming fields but got " + problem);
    }
    List<String> out = new ArrayList<>();
    problem.body().get("errors").forEach(e -> out.add(e.get("field").asString()));
    return out;
  }

  static List<String> ids(Response page) {
    return data(page).stream().map(n -> n.get("id").asString()).toList();
  }
}
