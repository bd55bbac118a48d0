package dev.cardos.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;

/**
 * The tenant the benchmark pays with, set up over the HTTP API exactly as an operator and a tenant
 * would: a sponsor, a BIN range, programs with default controls, verified cardholders with funded
 * wallets, and cards whose numbers are shown once at issuance (reveal policy {@code once}).
 */
final class Fleet {

  /** Each card starts with this much (minor units of USD) on its own account. */
  static final long CARD_BALANCE = 500_000;

  /** The programs' per-transaction limit: above it, {@code single_transaction_limit}. */
  static final long PER_TRANSACTION_LIMIT = 750_000;

  private static final int CARDS_PER_CARDHOLDER = 10;

  /** A card as the network knows it. */
  record Card(String id, String pan, String expiry, String cvv2) {}

  private final Api api;
  private final String operatorKey;
  final String tenantId;
  final String key;
  private final String sponsorId;

  private Fleet(Api api, String operatorKey, String tenantId, String key, String sponsorId) {
    this.api = api;
    this.operatorKey = operatorKey;
    this.tenantId = tenantId;
    this.key = key;
    this.sponsorId = sponsorId;
  }

  static Fleet create(Api api, String operatorKey) {
    String tenant =
        api.expect(
                201,
                api.post(
                    "/v1/admin/tenants",
                    operatorKey,
                    "{\"name\": \"Benchmark " + UUID.randomUUID() + "\"}"),
                "tenant")
            .get("id")
            .asString();
    String key =
        api.expect(
                201,
                api.post(
                    "/v1/admin/tenants/" + tenant + "/api-keys",
                    operatorKey,
                    """
                    {"mode": "test", "rate_limit_per_second": 100000,
                     "scopes": ["cards:read", "cards:write", "cards:reveal", "controls:write",
                                "funds:read", "funds:write", "transactions:read", "webhooks:write"]}
                    """),
                "api key")
            .get("secret")
            .asString();
    String sponsor =
        api.expect(
                201,
                api.post(
                    "/v1/admin/sponsors",
                    operatorKey,
                    "{\"name\": \"Benchmark Bank\", \"country\": \"US\", \"regions\": [\"US\"]}"),
                "sponsor")
            .get("id")
            .asString();
    return new Fleet(api, operatorKey, tenant, key, sponsor);
  }

  /**
   * A program on a BIN range of its own, b2c or b2b, blocking gambling and capping one payment;
   * {@code webhookJson} is empty or {@code , "decision_webhook": {...}}.
   */
  String program(String kind, String webhookJson) {
    String range = null;
    for (int attempt = 0; attempt < 50 && range == null; attempt++) {
      String bin = "4" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
      Api.Answer r =
          api.post(
              "/v1/admin/bin-ranges",
              operatorKey,
              """
              {"bin": "%s", "network": "visa", "sponsor_id": "%s", "country": "US",
               "currencies": ["USD"], "forms": ["virtual"], "features": []}
              """
                  .formatted(bin, sponsorId));
      if (r.status() == 201) {
        range = r.text("id");
      } else if (!r.body().contains("bin_taken")) {
        throw new IllegalStateException("BIN range: " + r.status() + " " + r.body());
      }
    }
    return api.expect(
            201,
            api.post(
                "/v1/admin/programs",
                operatorKey,
                """
                {"tenant_id": "%s", "name": "Benchmark %s", "bin_range_id": "%s", "kind": "%s",
                 "currency": "USD", "markets": ["US"], "reveal_policy": "once",
                 "max_cards_per_cardholder": %d,
                 "default_controls": {"per_transaction_limit": %d, "blocked_mccs": ["gambling"]}
                 %s}
                """
                    .formatted(
                        tenantId,
                        kind,
                        range,
                        kind,
                        CARDS_PER_CARDHOLDER,
                        PER_TRANSACTION_LIMIT,
                        webhookJson)),
            "program")
        .get("id")
        .asString();
  }

  /** A webhook endpoint for every event of the tenant; returns its id. */
  String webhookEndpoint(String url) {
    return api.expect(
            201,
            api.post(
                "/v1/webhook-endpoints",
                key,
                "{\"url\": \"%s\", \"event_types\": [\"*\"]}".formatted(url)),
            "webhook endpoint")
        .get("id")
        .asString();
  }

  void deleteWebhookEndpoint(String id) {
    Api.Answer r = api.send("DELETE", "/v1/webhook-endpoints/" + id, key, "");
    if (r.status() / 100 != 2) {
      throw new IllegalStateException("delete webhook endpoint: " + r.status() + " " + r.body());
    }
  }

  /** {@code count} b2c cards, each on its own account holding {@link #CARD_BALANCE}. */
  List<Card> b2cCards(String programId, int count, int parallelism) throws Exception {
    List<Card> cards = new ArrayList<>(cardholderWithCards(programId, 1));
    try (ExecutorService pool = Executors.newFixedThreadPool(parallelism)) {
      List<Future<List<Card>>> batches = new ArrayList<>();
      for (int start = 1; start < count; start += CARDS_PER_CARDHOLDER) {
        int n = Math.min(CARDS_PER_CARDHOLDER, count - start);
        batches.add(pool.submit(() -> cardholderWithCards(programId, n)));
      }
      for (Future<List<Card>> batch : batches) {
        cards.addAll(batch.get());
      }
    }
    return cards;
  }

  private List<Card> cardholderWithCards(String programId, int n) {
    String holder =
        api.expect(
                201,
                api.post(
                    "/v1/cardholders",
                    key,
                    """
                    {"reference": "%s", "first_name": "Ada", "last_name": "Lovelace",
                     "email": "ada@example.com", "phone": "+15125550100",
                     "date_of_birth": "1990-12-10",
                     "billing_address": {"line1": "1 Main St", "city": "Austin", "state": "TX",
                                         "postal_code": "78701", "country": "US"},
                     "document": {"type": "passport", "number": "X1234567", "country": "GB"}}
                    """
                        .formatted(UUID.randomUUID())),
                "cardholder")
            .get("id")
            .asString();
    api.expect(
        200,
        api.send("PATCH", "/v1/cardholders/" + holder, key, "{\"kyc_status\": \"verified\"}"),
        "verify cardholder");
    String wallet =
        api.expect(
                201,
                api.post(
                    "/v1/accounts",
                    key,
                    "{\"kind\": \"wallet\", \"currency\": \"USD\", \"cardholder_id\": \"%s\"}"
                        .formatted(holder)),
                "wallet")
            .get("id")
            .asString();
    deposit(wallet, CARD_BALANCE * n);
    List<Card> cards = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Card card = issue(programId, holder);
      api.expect(
          201,
          api.post(
              "/v1/cards/" + card.id() + "/fund",
              key,
              "{\"amount\": %d, \"currency\": \"USD\"}".formatted(CARD_BALANCE)),
          "fund card");
      cards.add(card);
    }
    return cards;
  }

  /** {@code count} b2b cards, all drawing on the tenant's USD funding account. */
  List<Card> b2bCards(String programId, int count, long funding, int parallelism) throws Exception {
    String account =
        api.expect(
                201,
                api.post("/v1/accounts", key, "{\"kind\": \"funding\", \"currency\": \"USD\"}"),
                "funding account")
            .get("id")
            .asString();
    deposit(account, funding);
    // The first card alone: it may create the store's first keys.
    List<Card> cards = new ArrayList<>(List.of(issue(programId, null)));
    try (ExecutorService pool = Executors.newFixedThreadPool(parallelism)) {
      List<Future<Card>> issued = new ArrayList<>();
      for (int i = 1; i < count; i++) {
        issued.add(pool.submit(() -> issue(programId, null)));
      }
      for (Future<Card> card : issued) {
        cards.add(card.get());
      }
    }
    return cards;
  }

  private Card issue(String programId, String cardholderId) {
    String holder = cardholderId == null ? "" : ", \"cardholder_id\": \"" + cardholderId + "\"";
    JsonNode card =
        api.expect(
            201,
            api.post(
                "/v1/cards",
                key,
                "{\"program_id\": \"%s\", \"form\": \"virtual\"%s}".formatted(programId, holder)),
            "card");
    String expiry =
        String.format(
            "%02d%02d", card.get("exp_year").asInt() % 100, card.get("exp_month").asInt());
    JsonNode shown = card.get("sensitive");
    if (shown == null || shown.isNull()) {
      throw new IllegalStateException("the card answer shows no number: " + card.get("id"));
    }
    return new Card(
        card.get("id").asString(),
        shown.get("pan").asString(),
        expiry,
        shown.get("cvv2").asString());
  }

  private void deposit(String accountId, long amount) {
    api.expect(
        201,
        api.post(
            "/v1/simulate/deposits",
            key,
            """
            {"account_id": "%s", "amount": %d, "currency": "USD",
             "rail": "bank_transfer", "scheme": "swift"}
            """
                .formatted(accountId, amount)),
        "deposit");
  }
}
