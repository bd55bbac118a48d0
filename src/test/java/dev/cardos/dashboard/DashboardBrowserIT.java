package dev.cardos.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import dev.cardos.authorization.Payments;
import dev.cardos.authorization.Payments.FundedCard;
import dev.cardos.testing.ServerTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard as a person uses it: Debian's Chromium, driven by Playwright, against the running
 * server. Screenshots of the main pages go to {@code target/screenshots/}.
 */
@ServerTest
class DashboardBrowserIT {

  static final Path CHROMIUM = Path.of(System.getProperty("cardos.chromium", "/usr/bin/chromium"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final String PASSWORD = "correct horse battery staple";

  static Playwright playwright;
  static Browser browser;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  Payments payments;
  BrowserContext context;
  Page page;

  @BeforeAll
  static void launch() throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(
          "The browser tests need Chromium at "
              + CHROMIUM
              + ": apt-get install -y chromium (./cardos test installs it when run as root)");
    }
    Files.createDirectories(SCREENSHOTS);
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(
                        List.of(
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run")));
  }

  @AfterAll
  static void close() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
  }

  @BeforeEach
  void open() {
    payments = new Payments(port, jdbc);
    context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
    page = context.newPage();
  }

  @AfterEach
  void closeContext() {
    context.close();
  }

  String url(String path) {
    return "http://localhost:" + port + path;
  }

  /** A dashboard user of the card's tenant, created by the operator; returns the email. */
  String user(FundedCard card, String role) {
    String email = role + "-" + UUID.randomUUID() + "@example.com";
    expect(
        payments.api.post(
            "/v1/admin/tenants/" + card.tenantId() + "/dashboard-users",
            OPERATOR_KEY,
            """
            {"email": "%s", "name": "A %s", "role": "%s", "password": "%s"}
            """
                .formatted(email, role, role, PASSWORD)),
        201);
    return email;
  }

  void signIn(String email) {
    page.navigate(url("/dashboard/login"));
    page.getByLabel("Email").fill(email);
    page.getByLabel("Password").fill(PASSWORD);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    assertThat(page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main")))
        .isVisible();
  }

  void screenshot(String name) {
    page.screenshot(
        new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
  }

  /** Every visible form field on the page has a label (or an aria-label) a screen reader reads. */
  void assertEveryFieldIsLabelled() {
    Object unlabelled =
        page.evaluate(
            "() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
                + ".filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))"
                + ".map(e => e.name)");
    assertThat((List<?>) unlabelled).as("fields without a label on " + page.url()).isEmpty();
  }

  String cardStatus(FundedCard card) {
    return expect(payments.api.get("/v1/cards/" + card.id(), card.key()), 200).text("status");
  }

  String last4(FundedCard card) {
    return expect(payments.api.get("/v1/cards/" + card.id(), card.key()), 200).text("last4");
  }

  @Test
  void aUserFindsACardFreezesItSeesTheDeclineInWordsAndChangesALimit() {
    FundedCard card = payments.card(100_00);
    payments.approve(card, 12_34);
    String email = user(card, "admin");

    page.navigate(url("/dashboard/login"));
    screenshot("login");
    assertEveryFieldIsLabelled();
    signIn(email);
    assertThat(page.getByText("Test mode")).isVisible();
    screenshot("overview");

    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Cards").setExact(true))
        .click();
    page.getByLabel("Last 4 digits").fill(last4(card));
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
    screenshot("cards");
    assertEveryFieldIsLabelled();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("•••• " + last4(card)))
        .click();
    assertThat(page.locator("#card-status")).hasText("active");

    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Freeze card")).click();
    screenshot("confirm-freeze");
    page.getByLabel("Note for the card's history").fill("reported by phone");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Confirm: freeze card"))
        .click();
    assertThat(page.locator("#card-status")).hasText("frozen");
    assertThat(cardStatus(card)).isEqualTo("frozen");

    JsonNode declined =
        expect(
                payments.api.post(
                    "/v1/simulate/authorizations",
                    card.key(),
                    Payments.authorizationJson(card.id(), 5_00, "")),
                201)
            .body();
    assertThat(declined.get("decline_reason").asString()).isEqualTo("card_frozen");
    page.reload();
    var row = page.locator("#authorizations tbody tr").first();
    assertThat(row).containsText("Declined");
    assertThat(row).containsText("card_frozen");
    assertThat(row).containsText("The card is frozen");
    assertThat(row).containsText("5.00 USD");
    screenshot("card");
    assertEveryFieldIsLabelled();
    page.keyboard().press("Tab");
    assertThat(page.locator(":focus")).hasText("Skip to content");
    page.keyboard().press("Enter");
    assertThat(page).hasURL(java.util.regex.Pattern.compile(".*#main$"));

    page.getByLabel("Per transaction limit").fill("25.00");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Review limit change"))
        .click();
    assertThat(page.locator("main table")).containsText("25.00 USD");
    screenshot("confirm-limits");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Confirm limit change"))
        .click();
    assertThat(page.locator("#limit-per-transaction")).hasText("25.00 USD");
    assertThat(
            expect(payments.api.get("/v1/cards/" + card.id() + "/controls", card.key()), 200)
                .body()
                .get("per_transaction_limit")
                .asLong())
        .isEqualTo(25_00);

    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Unfreeze card")).click();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Confirm: unfreeze card"))
        .click();
    assertThat(page.locator("#card-status")).hasText("active");
    expect(
        payments.api.post(
            "/v1/simulate/authorizations",
            card.key(),
            Payments.authorizationJson(card.id(), 30_00, "")),
        201);
    page.reload();
    var overLimit = page.locator("#authorizations tbody tr").first();
    assertThat(overLimit).containsText("transaction_limit_exceeded");
    assertThat(overLimit).containsText("The amount exceeds the per-transaction limit");
    assertThat(overLimit).containsText("Per-transaction limit 25.00 USD, requested 30.00 USD");

    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Authorizations"))
        .first()
        .click();
    page.getByLabel("Decision").selectOption("declined");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(page.locator("main table")).containsText("The card is frozen");
    assertThat(page.locator("main table")).not().containsText("Approved");
    screenshot("authorizations");
    assertEveryFieldIsLabelled();

    page.navigate(url("/dashboard"));
    assertThat(page.locator("main")).containsText("card_frozen");
    screenshot("overview-with-declines");

    context.setDefaultTimeout(10_000);
    page.setViewportSize(390, 844);
    page.navigate(url("/dashboard/cards/" + card.id()));
    screenshot("card-phone");

    List<String> actions =
        jdbc.sql("SELECT action FROM audit_log WHERE object_id = :card ORDER BY id")
            .param("card", card.id())
            .query(String.class)
            .list();
    assertThat(actions).contains("dashboard freeze card", "dashboard change card limits");
  }

  @Test
  void supportSeesWebhookDeliveriesRedeliversAndReadsDisputes() {
    FundedCard card = payments.card(100_00);
    expect(
        payments.api.post(
            "/v1/webhook-endpoints",
            card.key(),
            "{\"url\": \"http://127.0.0.1:9/hooks\", \"event_types\": [\"card.frozen\"]}"),
        201);
    expect(payments.api.post("/v1/cards/" + card.id() + "/freeze", card.key(), null), 200);
    expect(payments.api.post("/v1/cards/" + card.id() + "/unfreeze", card.key(), null), 200);
    String authorization = payments.approve(card, 30_00).get("id").asString();
    String transaction =
        expect(
                payments.api.post(
                    "/v1/simulate/authorizations/" + authorization + "/clear", card.key(), null),
                201)
            .id();
    String dispute =
        expect(
                payments.api.post(
                    "/v1/disputes",
                    card.key(),
                    "{\"transaction_id\": \"%s\", \"reason\": \"fraud\", \"explanation\": \"I did not buy this\"}"
                        .formatted(transaction)),
                201)
            .id();
    expect(
        payments.api.post(
            "/v1/disputes/" + dispute + "/evidence",
            card.key(),
            "{\"text\": \"Cardholder was abroad that day\"}"),
        201);

    signIn(user(card, "support"));
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Webhooks")).click();
    assertThat(page.locator("main")).containsText("http://127.0.0.1:9/hooks");
    var delivery = page.locator("main table").nth(1).locator("tbody tr").first();
    assertThat(delivery).containsText("card.frozen");
    screenshot("webhooks");
    String event =
        jdbc.sql("SELECT id FROM events WHERE object_id = :card AND type = 'card.frozen'")
            .param("card", card.id())
            .query(String.class)
            .single();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Redeliver event " + event))
        .click();
    assertThat(page.getByText("Event queued for redelivery.")).isVisible();
    assertThat(
            jdbc.sql("SELECT count(*) FROM audit_log WHERE object_id = :e AND action = :a")
                .param("e", event)
                .param("a", "dashboard redeliver event")
                .query(Long.class)
                .single())
        .isEqualTo(1);

    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Disputes")).click();
    assertThat(page.locator("main table")).containsText("fraud");
    assertThat(page.locator("main table")).containsText("30.00 USD");
    screenshot("disputes");
    page.locator("main table tbody tr").first().getByRole(AriaRole.LINK).first().click();
    assertThat(page.locator("main")).containsText("Cardholder was abroad that day");
    assertThat(page.locator("main")).containsText("I did not buy this");
    screenshot("dispute");
    page.getByLabel("Add evidence (text)").fill("The receipt names another city");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add evidence")).click();
    assertThat(page.getByText("Evidence added.")).isVisible();
    assertThat(page.locator("main")).containsText("The receipt names another city");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Submit to the network…"))
        .click();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Confirm: submit dispute"))
        .click();
    assertThat(page.getByText("Dispute submitted to the network.")).isVisible();
    assertThat(expect(payments.api.get("/v1/disputes/" + dispute, card.key()), 200).text("status"))
        .isEqualTo("submitted");

    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Transactions")).click();
    page.getByLabel("Kind").selectOption("settlement");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(page.locator("main table")).containsText(card.id());
    assertThat(page.locator("main table")).containsText("30.00 USD");
    screenshot("transactions");
    assertEveryFieldIsLabelled();
  }

  @Test
  void aViewerSeesTheCardButCannotRevealOrFreezeIt() {
    FundedCard card = payments.card(10_00);
    signIn(user(card, "viewer"));
    page.navigate(url("/dashboard/cards/" + card.id()));
    assertThat(page.locator("#card-status")).hasText("active");
    assertThat(page.getByText("Your role can view this card but not change it.")).isVisible();
    assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Freeze card")))
        .hasCount(0);
    assertThat(
            page.getByRole(
                AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reveal card details")))
        .hasCount(0);
    assertThat(page.getByLabel("Per transaction limit")).hasCount(0);
    screenshot("card-viewer");

    String csrf = page.locator("input[name=_csrf]").first().inputValue();
    APIResponse freeze =
        page.request()
            .post(
                url("/dashboard/cards/" + card.id() + "/freeze"),
                RequestOptions.create().setForm(FormData.create().set("_csrf", csrf)));
    assertThat(freeze.status()).isEqualTo(403);
    APIResponse reveal =
        page.request()
            .post(
                url("/dashboard/cards/" + card.id() + "/reveal"),
                RequestOptions.create().setForm(FormData.create().set("_csrf", csrf)));
    assertThat(reveal.status()).isEqualTo(403);
    assertThat(reveal.text()).doesNotContain(payments.fixtures.revealPan(card.key(), card.id()));
    assertThat(cardStatus(card)).isEqualTo("active");
  }

  @Test
  void aPostWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
    FundedCard card = payments.card(10_00);
    signIn(user(card, "admin"));
    page.navigate(url("/dashboard/cards/" + card.id()));

    APIResponse withoutToken =
        page.request()
            .post(
                url("/dashboard/cards/" + card.id() + "/freeze"),
                RequestOptions.create().setForm(FormData.create().set("reason", "forged")));
    assertThat(withoutToken.status()).isEqualTo(403);
    APIResponse wrongToken =
        page.request()
            .post(
                url("/dashboard/cards/" + card.id() + "/freeze"),
                RequestOptions.create().setForm(FormData.create().set("_csrf", "forged")));
    assertThat(wrongToken.status()).isEqualTo(403);
    assertThat(cardStatus(card)).isEqualTo("active");
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM audit_log WHERE object_id = :card AND action LIKE"
                        + " 'dashboard %'")
                .param("card", card.id())
                .query(Long.class)
                .single())
        .isZero();
  }
}
