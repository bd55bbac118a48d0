package dev.cardos.reliability;

import static dev.cardos.testing.TestApi.expect;

import dev.cardos.authorization.Payments;
import dev.cardos.authorization.Payments.FundedCard;
import dev.cardos.cards.CardFixtures;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Tenant A: one real object of every kind an id names (cardholder, account, card, deposit,
 * transfer, authorization, transaction, dispute, event, webhook endpoint, program), for the attacks
 * to aim at, plus a key of A's other mode.
 */
final class Victim {

  final FundedCard card;
  final TestApi api;
  final Map<String, String> ids = new LinkedHashMap<>();
  final String liveKey;

  private Victim(FundedCard card, TestApi api, String liveKey) {
    this.card = card;
    this.api = api;
    this.liveKey = liveKey;
  }

  String key() {
    return card.key();
  }

  String tenantId() {
    return card.tenantId();
  }

  static Victim create(int port, JdbcClient jdbc) {
    Payments payments = new Payments(port, jdbc);
    FundedCard card = payments.card(1_000_000);
    TestApi api = payments.api;
    Response liveKey =
        expect(
            api.post(
                "/v1/admin/tenants/" + card.tenantId() + "/api-keys",
                TestApi.OPERATOR_KEY,
                "{\"mode\": \"live\", \"scopes\": [%s], \"rate_limit_per_second\": 10000}"
                    .formatted(
                        String.join(
                            ",", TestApi.ALL_SCOPES.stream().map(s -> "\"" + s + "\"").toList()))),
            201);
    Victim v = new Victim(card, api, liveKey.text("secret"));
    String key = card.key();
    v.ids.put("card", card.id());
    v.ids.put("account", card.accountId());
    v.ids.put("cardholder", card.setup().cardholderId());
    v.ids.put("wallet", card.setup().walletId());
    v.ids.put("program", card.setup().programId());
    String auth = payments.approve(card, 5_000).get("id").asString();
    v.ids.put("authorization", auth);
    String txn =
        expect(api.post("/v1/simulate/authorizations/" + auth + "/clear", key, null), 201).id();
    v.ids.put("transaction", txn);
    v.ids.put("open_authorization", payments.approve(card, 1_000).get("id").asString());
    v.ids.put(
        "dispute",
        expect(
                api.post(
                    "/v1/disputes",
                    key,
                    "{\"transaction_id\": \"%s\", \"reason\": \"fraud\"}".formatted(txn)),
                201)
            .id());
    String funding =
        expect(api.post("/v1/accounts", key, "{\"kind\": \"funding\", \"currency\": \"USD\"}"), 201)
            .id();
    v.ids.put("funding", funding);
    v.ids.put(
        "deposit",
        expect(
                api.post(
                    "/v1/simulate/deposits",
                    key,
                    """
                    {"account_id": "%s", "amount": 100000, "currency": "USD",
                     "rail": "bank_transfer", "scheme": "swift"}
                    """
                        .formatted(funding)),
                201)
            .id());
    v.ids.put(
        "transfer",
        expect(
                api.post(
                    "/v1/transfers",
                    key,
                    """
                    {"from_account_id": "%s", "to_account_id": "%s", "amount": 100,
                     "currency": "USD"}
                    """
                        .formatted(funding, card.setup().walletId())),
                201)
            .id());
    v.ids.put(
        "webhook_endpoint",
        expect(
                api.post(
                    "/v1/webhook-endpoints",
                    key,
                    "{\"url\": \"http://127.0.0.1:9/hooks\", \"event_types\": [\"card.frozen\"]}"),
                201)
            .id());
    v.ids.put(
        "event",
        expect(api.get("/v1/events?limit=1", key), 200)
            .body()
            .get("data")
            .get(0)
            .get("id")
            .asString());
    v.ids.put(
        "physical_card",
        expect(
                new CardFixtures(port)
                    .issue(key, card.setup().programId(), card.setup().cardholderId(), "physical"),
                201)
            .id());
    return v;
  }

  /** The victim's object a path's first template variable names, by the path's resource. */
  String idFor(String path) {
    String resource = path.replaceFirst("^/v1/(simulate/)?", "").replaceFirst("/.*", "");
    String kind =
        switch (resource) {
          case "accounts" -> "account";
          case "authorizations" ->
              path.startsWith("/v1/simulate/") ? "open_authorization" : "authorization";
          case "cardholders" -> "cardholder";
          case "cards" -> path.startsWith("/v1/simulate/") ? "physical_card" : "card";
          case "deposits" -> "deposit";
          case "disputes" -> "dispute";
          case "events" -> "event";
          case "programs" -> "program";
          case "transactions" -> "transaction";
          case "transfers" -> "transfer";
          case "webhook-endpoints" -> "webhook_endpoint";
          default -> throw new AssertionError("no victim object for " + path);
        };
    return ids.get(kind);
  }

  /**
   * Values only the victim's own objects hold, which would show that an answer leaked its data (the
   * ids the attacker sent may be echoed back in a 404's detail: the attacker knew them already).
   */
  List<String> secrets() {
    return List.of(tenantId(), card.setup().tenant().keyId(), "Lovelace", "ada@example.com");
  }
}
