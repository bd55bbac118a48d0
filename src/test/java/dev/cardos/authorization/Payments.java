package dev.cardos.authorization;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.cards.CardFixtures;
import dev.cardos.cards.CardFixtures.Setup;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Cards that can pay, and what the tests after approval look at: balances, spend, events, system
 * accounts and the operator's proof that the books balance. Built over HTTP on {@link
 * CardFixtures}; the database is read only for what the API does not show (system accounts, event
 * rows). Helpers named after an object expect success.
 */
public final class Payments {

  public final CardFixtures fixtures;
  public final TestApi api;
  private final JdbcClient jdbc;

  public Payments(int port, JdbcClient jdbc) {
    this.fixtures = new CardFixtures(port);
    this.api = fixtures.api;
    this.jdbc = jdbc;
  }

  /**
   * A virtual card with money on its own account, and the world it belongs to; {@code
   * settlementAtStart} is the tenant's settlement balance once the card was funded (deposits come
   * in through the settlement account too).
   */
  public record FundedCard(Setup setup, String id, String accountId, long settlementAtStart) {

    public String key() {
      return setup.key();
    }

    public String tenantId() {
      return setup.tenant().id();
    }
  }

  /** The three balances of an account, in minor units. */
  public record Balances(long ledger, long held, long available) {}

  /**
   * A new tenant with an on_demand b2c program ({@code programExtra} appended to its JSON) and a
   * virtual card ({@code cardExtra} appended) holding {@code funds}, moved from the wallet.
   */
  public FundedCard card(long funds, String programExtra, String cardExtra) {
    Setup setup = fixtures.b2c("on_demand", programExtra, funds);
    return cardOn(setup, funds, cardExtra);
  }

  public FundedCard card(long funds) {
    return card(funds, "", "");
  }

  /** Another card on the same program and cardholder's wallet, funded by {@code funds}. */
  public FundedCard cardOn(Setup setup, long funds, String cardExtra) {
    JsonNode card =
        expect(
                fixtures.issue(
                    setup.key(), setup.programId(), setup.cardholderId(), "virtual", cardExtra),
                201)
            .body();
    String id = card.get("id").asString();
    if (funds > 0) {
      expect(
          api.post(
              "/v1/cards/" + id + "/fund",
              setup.key(),
              "{\"amount\": %d, \"currency\": \"USD\"}".formatted(funds)),
          201);
    }
    return new FundedCard(
        setup,
        id,
        card.get("account_id").asString(),
        systemBalance(setup.tenant().id(), "settlement"));
  }

  /** The JSON of an authorization of {@code amount} USD at a grocery store. */
  public static String authorizationJson(String cardId, long amount, String extra) {
    return """
        {"card_id": "%s", "amount": %d, "currency": "USD", "channel": "ecommerce",
         "merchant": {"id": "MID-1", "name": "Corner Shop", "mcc": "5411", "city": "Austin",
                      "country": "US"}%s}
        """
        .formatted(cardId, amount, extra);
  }

  /** A simulated authorization the card's balance and controls approve. */
  public JsonNode approve(FundedCard card, long amount) {
    JsonNode a =
        expect(
                api.post(
                    "/v1/simulate/authorizations",
                    card.key(),
                    authorizationJson(card.id(), amount, "")),
                201)
            .body();
    assertThat(a.get("approved").asBoolean()).as(a.toString()).isTrue();
    return a;
  }

  public JsonNode authorization(FundedCard card, String id) {
    return expect(api.get("/v1/authorizations/" + id, card.key()), 200).body();
  }

  public Balances balances(String key, String accountId) {
    JsonNode b = expect(api.get("/v1/accounts/" + accountId, key), 200).body().get("balances");
    return new Balances(
        b.get("ledger").asLong(), b.get("held").asLong(), b.get("available").asLong());
  }

  public Balances balances(FundedCard card) {
    return balances(card.key(), card.accountId());
  }

  /** Asserts the card account's ledger, held and available balances. */
  public void assertBalances(FundedCard card, long ledger, long held, long available) {
    assertThat(balances(card)).isEqualTo(new Balances(ledger, held, available));
  }

  /** The operator's check that every balance equals its derivation from the entries. */
  public void assertBooksBalance() {
    JsonNode verify = expect(api.get("/v1/admin/ledger/verify", OPERATOR_KEY), 200).body();
    assertThat(verify.get("violations")).as(verify.toString()).isEmpty();
    assertThat(verify.get("ok").asBoolean()).isTrue();
  }

  /** Amount used in the card's own window ({@code day}, {@code week}, ...) per its spend. */
  public long cardSpend(FundedCard card, String window) {
    JsonNode spend = expect(api.get("/v1/cards/" + card.id() + "/spend", card.key()), 200).body();
    for (JsonNode w : spend.get("windows")) {
      if (w.get("level").asString().equals("card") && w.get("window").asString().equals(window)) {
        return w.get("amount_used").asLong();
      }
    }
    throw new AssertionError("no card " + window + " window in " + spend);
  }

  /** The ledger balance of the tenant's system account of this kind (0 when none exists yet). */
  public long systemBalance(String tenantId, String kind) {
    return jdbc.sql(
            """
            SELECT coalesce(sum(ledger_balance), 0) FROM accounts
            WHERE tenant_id = :tenant AND kind = :kind AND currency = 'USD'
            """)
        .param("tenant", tenantId)
        .param("kind", kind)
        .query(Long.class)
        .single();
  }

  /** How much the tenant's settlement account moved since the card was funded (+ credited). */
  public long settledSinceStart(FundedCard card) {
    return systemBalance(card.tenantId(), "settlement") - card.settlementAtStart();
  }

  /** The types of the events about one object, oldest first. */
  public List<String> eventTypes(String objectId) {
    return jdbc.sql("SELECT type FROM events WHERE object_id = :id ORDER BY id")
        .param("id", objectId)
        .query(String.class)
        .list();
  }

  /** How many events the tenant has, of every type. */
  public long eventCount(String tenantId) {
    return count("SELECT count(*) FROM events WHERE tenant_id = :id", tenantId);
  }

  /** How many postings the tenant has. */
  public long postingCount(String tenantId) {
    return count("SELECT count(*) FROM postings WHERE tenant_id = :id", tenantId);
  }

  /** How many transactions the card has. */
  public long transactionCount(String cardId) {
    return count("SELECT count(*) FROM transactions WHERE card_id = :id", cardId);
  }

  /** How many authorizations the card has. */
  public long authorizationCount(String cardId) {
    return count("SELECT count(*) FROM authorizations WHERE card_id = :id", cardId);
  }

  /** How many increments and reversals the authorization has. */
  public long adjustmentCount(String authorizationId) {
    return count(
        "SELECT count(*) FROM authorization_adjustments WHERE authorization_id = :id",
        authorizationId);
  }

  private long count(String sql, String id) {
    return jdbc.sql(sql).param("id", id).query(Long.class).single();
  }

  /**
   * What a repeated message must leave alone: the card's balances, the tenant's postings and
   * events, the card's authorizations and transactions and the authorization's adjustments.
   */
  public record Snapshot(
      Balances balances,
      long postings,
      long events,
      long authorizations,
      long transactions,
      long adjustments) {}

  public Snapshot snapshot(FundedCard card, String authorizationId) {
    return new Snapshot(
        balances(card),
        postingCount(card.tenantId()),
        eventCount(card.tenantId()),
        authorizationCount(card.id()),
        transactionCount(card.id()),
        authorizationId == null ? 0 : adjustmentCount(authorizationId));
  }

  /** A new key for the card network; its secret. */
  public String networkKey() {
    Response r = expect(api.post("/v1/admin/network-keys", OPERATOR_KEY, null), 201);
    String secret = r.text("secret");
    assertThat(secret).startsWith("nk_");
    return secret;
  }

  /** The ids of a list answer's {@code data}. */
  public static List<String> ids(Response page) {
    List<String> out = new ArrayList<>();
    page.body().get("data").forEach(n -> out.add(n.get("id").asString()));
    return out;
  }
}
