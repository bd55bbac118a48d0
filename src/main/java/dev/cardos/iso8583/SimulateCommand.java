package dev.cardos.iso8583;

import com.solab.iso8583.IsoMessage;
import dev.cardos.iso8583.NetworkRequests.Merchant;
import dev.cardos.iso8583.NetworkRequests.Plastic;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code cardos simulate}: a card network in a terminal. It connects to a running CardOS as the
 * network, over ISO 8583 (the default) or the JSON network endpoints, and plays merchant traffic at
 * one card: the {@code purchase} script (sign-on, purchase, partial reversal, clearing, refund,
 * echo) or {@code random} traffic, printing each exchange decoded field by field with the card
 * number masked. Exit code 0 when every message was answered.
 */
public final class SimulateCommand {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<Merchant> MERCHANTS =
      List.of(
          new Merchant("MID-7", "Corner Shop", "5411", "Austin", "US", "TERM0001", "00"),
          new Merchant("MID-21", "Sky Airlines", "4511", "Dallas", "US", "WEB00021", "59"),
          new Merchant("MID-33", "Cafe Lumen", "5812", "Paris", "FR", "POS00033", "00"),
          new Merchant("MID-48", "Phone Orders", "5999", "Denver", "US", "MOTO0048", "08"));

  private SimulateCommand() {}

  /** Run from the jar: {@code java -Dloader.main=dev.cardos.iso8583.SimulateCommand ...}. */
  public static void main(String[] args) {
    // Outside Spring nothing configures logging: j8583 would log whole frames (card numbers) at
    // the logging back end's default level.
    if (org.slf4j.LoggerFactory.getLogger("com.solab.iso8583")
        instanceof ch.qos.logback.classic.Logger j8583) {
      j8583.setLevel(ch.qos.logback.classic.Level.OFF);
    }
    System.exit(run(args, System.getenv(), System.out));
  }

  /** The options, each {@code --name value}. */
  record Options(Map<String, String> values) {
    String get(String name, String fallback) {
      return values.getOrDefault(name, fallback);
    }
  }

  static final String USAGE =
      """
      usage: cardos simulate [--transport iso|json] [--script purchase|random] [--count N]
                             [--card card_... --key ck_test_...] | [--pan PAN --expiry YYMM --cvv CVV]
                             [--iso host:port] [--url http://host:port] [--network-key nk_...]
                             [--currency USD] [--seed N]
        --card/--key read the card's number, expiry and CVV2 through the tenant API (on_demand reveal);
        the network key (or CARDOS_NETWORK_KEY) is needed for --transport json and for clearings.
        Defaults: --iso localhost:$CARDOS_ISO8583_PORT (8583), --url http://localhost:$CARDOS_PORT (8080).""";

  public static int run(String[] args, Map<String, String> env, PrintStream out) {
    Map<String, String> values = new HashMap<>();
    int first = args.length > 0 && "simulate".equals(args[0]) ? 1 : 0;
    for (int i = first; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        out.println(USAGE);
        return 2;
      }
      values.put(args[i].substring(2), args[++i]);
    }
    Options o = new Options(values);
    try {
      Simulation s = new Simulation(o, env, out);
      return s.play();
    } catch (IllegalArgumentException e) {
      out.println("cardos simulate: " + e.getMessage());
      out.println(USAGE);
      return 2;
    } catch (Exception e) {
      out.println("cardos simulate: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return 1;
    }
  }

  private static final class Simulation {
    private final Options o;
    private final PrintStream out;
    private final String url;
    private final String networkKey;
    private final String tenantKey;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final boolean iso;
    private final String isoAddress;
    private final String currency;
    private final Random random;
    private final NetworkRequests requests;
    private final Map<String, Integer> codes = new TreeMap<>();
    private final List<Long> latenciesMicros = new ArrayList<>();
    private Iso8583Client client;
    private Plastic card;
    private int failures;

    Simulation(Options o, Map<String, String> env, PrintStream out) {
      this.o = o;
      this.out = out;
      this.url = o.get("url", "http://localhost:" + env.getOrDefault("CARDOS_PORT", "8080"));
      this.networkKey = o.get("network-key", env.get("CARDOS_NETWORK_KEY"));
      this.tenantKey = env.get("CARDOS_TENANT_KEY");
      String transport = o.get("transport", "iso");
      if (!transport.equals("iso") && !transport.equals("json")) {
        throw new IllegalArgumentException("--transport is iso or json");
      }
      this.iso = transport.equals("iso");
      this.isoAddress =
          o.get("iso", "localhost:" + env.getOrDefault("CARDOS_ISO8583_PORT", "8583"));
      if (!iso && networkKey == null) {
        throw new IllegalArgumentException("--transport json needs --network-key");
      }
      this.currency = o.get("currency", "USD");
      this.random = new Random(Long.parseLong(o.get("seed", Long.toString(System.nanoTime()))));
      // A random acquirer id per run, so a new run's STANs are new messages, not repeats.
      this.requests = new NetworkRequests(Long.toString(100_000 + random.nextInt(900_000)));
    }

    int play() throws Exception {
      card = plastic();
      out.println(
          "Simulating the network for card "
              + card
              + " over "
              + (iso ? "ISO 8583 at " + isoAddress : "JSON at " + url));
      if (iso) {
        String[] hostPort = isoAddress.split(":");
        client =
            Iso8583Client.connect(
                hostPort[0], Integer.parseInt(hostPort[1]), Duration.ofSeconds(30));
      }
      try {
        switch (o.get("script", "purchase")) {
          case "purchase" -> purchaseScript();
          case "random" -> randomTraffic(Integer.parseInt(o.get("count", "20")));
          default -> throw new IllegalArgumentException("--script is purchase or random");
        }
      } finally {
        if (client != null) {
          client.close();
        }
      }
      summary();
      return failures == 0 ? 0 : 1;
    }

    private Plastic plastic() throws Exception {
      if (o.values().containsKey("pan")) {
        return new Plastic(o.get("pan", null), o.get("expiry", null), o.get("cvv", null));
      }
      String cardId = o.get("card", null);
      String key = o.get("key", tenantKey);
      if (cardId == null || key == null) {
        throw new IllegalArgumentException("name the card: --pan ... or --card ... --key ...");
      }
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/v1/cards/" + cardId + "/sensitive"))
                  .header("Authorization", "Bearer " + key)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "reading the card's details answered " + r.statusCode() + ": " + r.body());
      }
      JsonNode s = JSON.readTree(r.body());
      return new Plastic(
          s.get("pan").asString(),
          "%02d%02d".formatted(s.get("exp_year").asInt() % 100, s.get("exp_month").asInt()),
          s.get("cvv2").asString());
    }

    // ---------------------------------------------------------------- scripts

    private void purchaseScript() throws Exception {
      Merchant shop = MERCHANTS.get(0);
      if (iso) {
        step("Sign-on", requests.networkManagement(client.nextStan(), Instant.now(), "001"));
      }
      Sent purchase = presentment("Purchase of 25.00", 0x100, "00", 2_500, shop);
      if (!"00".equals(purchase.code())) {
        out.println("The purchase was declined; the script stops here.");
        return;
      }
      reversal("Partial reversal: the merchant takes 20.00", purchase, 2_000L);
      clearing("Clearing file: 20.00 settled", purchase, 2_000);
      presentment("Refund of 5.00", iso ? 0x200 : 0, "20", 500, shop);
      presentment("Balance inquiry", iso ? 0x100 : 0, "30", 0, shop);
      if (iso) {
        step("Echo", requests.networkManagement(client.nextStan(), Instant.now(), "301"));
      }
    }

    private void randomTraffic(int count) throws Exception {
      for (int i = 0; i < count; i++) {
        Merchant m = MERCHANTS.get(random.nextInt(MERCHANTS.size()));
        long amount = 100 + random.nextInt(10_000);
        int roll = random.nextInt(100);
        if (roll < 70) {
          Sent p = presentment("Purchase", 0x100, "00", amount, m);
          // Most purchases settle in the next clearing file; the rest stay held until they expire.
          if ("00".equals(p.code()) && networkKey != null && random.nextInt(4) > 0) {
            clearing("Clearing file line", p, amount);
          }
        } else if (roll < 85) {
          Sent p = presentment("Purchase", 0x100, "00", amount, m);
          if ("00".equals(p.code())) {
            reversal("Partial reversal", p, amount / 2);
          }
        } else if (roll < 95) {
          presentment("Balance inquiry", iso ? 0x100 : 0, "30", 0, m);
        } else {
          presentment("Refund", iso ? 0x200 : 0, "20", amount, m);
        }
      }
    }

    /** What was sent and answered: the ISO request (or the JSON network id) and the code. */
    private record Sent(
        IsoMessage request, String networkTransactionId, long amount, String code) {}

    private Sent presentment(String title, int type, String processing, long amount, Merchant m)
        throws Exception {
      if (iso) {
        IsoMessage request =
            requests.presentment(
                type, client.nextStan(), Instant.now(), card, processing, amount, currency, m);
        String code = step(title, request);
        return new Sent(request, NetworkRequests.networkTransactionId(request), amount, code);
      }
      String id = "sim-" + UUID.randomUUID();
      String merchant =
          """
          {"id": "%s", "name": "%s", "mcc": "%s", "city": "%s", "country": "%s"}"""
              .formatted(m.id(), m.name(), m.mcc(), m.city(), m.country());
      if (processing.equals("30")) {
        out.println("== " + title + ": not in the JSON rendition (ISO 8583 only); skipped");
        return new Sent(null, id, amount, "skipped");
      }
      if (processing.equals("20")) {
        JsonNode r =
            post(
                title,
                "/v1/network/refunds",
                """
                {"network_transaction_id": "%s", "pan": "%s", "amount": %d, "currency": "%s",
                 "merchant": %s}"""
                    .formatted(id, card.pan(), amount, currency, merchant));
        return new Sent(null, id, amount, r == null ? "error" : "00");
      }
      String channel =
          switch (m.posCondition()) {
            case "59" -> "ecommerce";
            case "08" -> "moto";
            default -> "pos";
          };
      JsonNode r =
          post(
              title,
              "/v1/network/authorizations",
              """
              {"network_transaction_id": "%s", "pan": "%s", "expiry": "%s", "cvv2": "%s",
               "amount": %d, "currency": "%s", "channel": "%s", "merchant": %s}"""
                  .formatted(
                      id,
                      card.pan(),
                      card.expiryYymm(),
                      card.cvv2(),
                      amount,
                      currency,
                      channel,
                      merchant));
      return new Sent(null, id, amount, r == null ? "error" : r.get("response_code").asString());
    }

    private void reversal(String title, Sent original, Long remaining) throws Exception {
      if (iso) {
        step(
            title,
            requests.reversal(
                0x400, client.nextStan(), Instant.now(), original.request(), card, remaining));
        return;
      }
      post(
          title,
          "/v1/network/reversals",
          """
          {"network_transaction_id": "%s", "original_network_transaction_id": "%s"%s}"""
              .formatted(
                  "sim-" + UUID.randomUUID(),
                  original.networkTransactionId(),
                  remaining == null ? "" : ", \"amount\": " + (original.amount() - remaining)));
    }

    /** Clearing comes as a file, not an ISO 8583 message: it goes through the JSON endpoint. */
    private void clearing(String title, Sent original, long amount) throws Exception {
      if (networkKey == null) {
        out.println("== " + title + ": skipped (needs --network-key or CARDOS_NETWORK_KEY)");
        return;
      }
      post(
          title,
          "/v1/network/clearings",
          """
          {"network_transaction_id": "%s", "original_network_transaction_id": "%s",
           "amount": %d, "currency": "%s", "final_clearing": true}"""
              .formatted(
                  "sim-" + UUID.randomUUID(), original.networkTransactionId(), amount, currency));
    }

    // ---------------------------------------------------------------- exchanges

    private String step(String title, IsoMessage request) throws Exception {
      out.println("== " + title);
      out.println("-> " + Layout.describe(request).replace("\n", "\n   "));
      long start = System.nanoTime();
      IsoMessage response;
      try {
        response = client.send(request).get();
      } catch (Exception e) {
        failures++;
        out.println("<- no answer: " + e.getClass().getSimpleName());
        return "none";
      }
      latenciesMicros.add((System.nanoTime() - start) / 1_000);
      out.println("<- " + Layout.describe(response).replace("\n", "\n   "));
      String code = Layout.text(response, Layout.RESPONSE_CODE);
      codes.merge(code, 1, Integer::sum);
      return code;
    }

    private JsonNode post(String title, String path, String body) throws Exception {
      out.println("== " + title);
      out.println("-> POST " + path + " " + masked(body));
      long start = System.nanoTime();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + path))
                  .header("Authorization", "Bearer " + networkKey)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      latenciesMicros.add((System.nanoTime() - start) / 1_000);
      out.println("<- " + r.statusCode() + " " + r.body());
      if (r.statusCode() / 100 != 2) {
        failures++;
        codes.merge("http " + r.statusCode(), 1, Integer::sum);
        return null;
      }
      JsonNode node = JSON.readTree(r.body());
      String code = node.has("response_code") ? node.get("response_code").asString() : "00";
      codes.merge(code, 1, Integer::sum);
      return node;
    }

    /** The body as printed: card number to its last four, CVV2 hidden. */
    private String masked(String body) {
      String shown =
          body.replace(card.pan(), "****" + card.pan().substring(card.pan().length() - 4));
      return card.cvv2() == null
          ? shown
          : shown.replace("\"cvv2\": \"" + card.cvv2() + "\"", "\"cvv2\": \"***\"");
    }

    private void summary() {
      List<Long> sorted = new ArrayList<>(latenciesMicros);
      sorted.sort(null);
      out.println("== Summary");
      out.println("   answers by response code: " + codes);
      if (!sorted.isEmpty()) {
        out.printf(
            "   %d exchanges; latency p50 %.1f ms, max %.1f ms%n",
            sorted.size(), sorted.get(sorted.size() / 2) / 1000.0, sorted.getLast() / 1000.0);
      }
      out.println("   " + (failures == 0 ? "every message was answered" : failures + " failed"));
    }
  }
}
