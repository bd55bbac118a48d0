package dev.cardos.dashboard.internal;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.authorization.Payments;
import dev.cardos.authorization.Payments.FundedCard;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi.Response;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Signing in to the dashboard over HTTP: passwords, lock-out, cookies, TOTP, users, isolation. */
@ServerTest
class DashboardSignInIT {

  static final String PASSWORD = "a long enough password";

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  Payments payments;

  @BeforeEach
  void setUp() {
    payments = new Payments(port, jdbc);
  }

  Response createUser(String tenantId, String email, String role, String password) {
    return payments.api.post(
        "/v1/admin/tenants/" + tenantId + "/dashboard-users",
        OPERATOR_KEY,
        """
        {"email": "%s", "name": "Someone", "role": "%s", "password": "%s"}
        """
            .formatted(email, role, password));
  }

  String user(String tenantId, String role) {
    String email = role + "-" + UUID.randomUUID() + "@example.com";
    expect(createUser(tenantId, email, role, PASSWORD), 201);
    return email;
  }

  @Test
  void theOperatorCreatesUsersWhosePasswordsAreStoredOnlyAsArgon2idHashes() {
    String tenant = payments.api.createTenant("Dash " + UUID.randomUUID());
    String email = "admin-" + UUID.randomUUID() + "@example.com";
    Response created = expect(createUser(tenant, email, "admin", PASSWORD), 201);
    assertThat(created.text("role")).isEqualTo("admin");
    assertThat(created.raw()).doesNotContain(PASSWORD).doesNotContain("argon2");
    String stored =
        jdbc.sql("SELECT password_hash FROM dashboard_users WHERE id = :id")
            .param("id", created.id())
            .query(String.class)
            .single();
    assertThat(stored).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain(PASSWORD);
    assertThat(
            jdbc.sql("SELECT count(*) FROM audit_log WHERE action = :a AND tenant_id = :t")
                .param("a", "POST /v1/admin/tenants/{id}/dashboard-users")
                .param("t", tenant)
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void badUsersAreRefusedWithTheFieldAndNothingIsWritten() {
    String tenant = payments.api.createTenant("Dash " + UUID.randomUUID());
    String email = "x-" + UUID.randomUUID() + "@example.com";
    Response shortPassword = createUser(tenant, email, "viewer", "short");
    assertThat(shortPassword.status()).isEqualTo(400);
    assertThat(shortPassword.raw()).contains("\"password\"").doesNotContain("short\"");
    Response badRole =
        payments.api.post(
            "/v1/admin/tenants/" + tenant + "/dashboard-users",
            OPERATOR_KEY,
            "{\"email\": \"%s\", \"name\": \"n\", \"role\": \"owner\", \"password\": \"%s\"}"
                .formatted(email, PASSWORD));
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(createUser(tenant, "not-an-email", "viewer", PASSWORD).status()).isEqualTo(400);
    assertThat(createUser("ten_01JZZZZZZZZZZZZZZZZZZZZZZZ", email, "viewer", PASSWORD).status())
        .isEqualTo(404);
    String tenantKey =
        payments.fixtures.key(tenant, java.util.List.of("cards:read")).text("secret");
    assertThat(createUser(tenant, email, "viewer", PASSWORD).status()).isEqualTo(201);
    assertThat(createUser(tenant, email.toUpperCase(), "viewer", PASSWORD).status()).isEqualTo(409);
    assertThat(
            payments
                .api
                .post(
                    "/v1/admin/tenants/" + tenant + "/dashboard-users",
                    tenantKey,
                    "{\"email\": \"y@example.com\", \"name\": \"n\", \"role\": \"admin\","
                        + " \"password\": \""
                        + PASSWORD
                        + "\"}")
                .status())
        .isEqualTo(403);
    assertThat(
            jdbc.sql("SELECT count(*) FROM dashboard_users WHERE tenant_id = :t")
                .param("t", tenant)
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void aSignInSetsAnHttpOnlySameSiteSessionCookieAndPagesNeedIt() {
    String tenant = payments.api.createTenant("Dash " + UUID.randomUUID());
    String email = user(tenant, "viewer");
    FormClient browser = new FormClient(port);

    FormClient.Answer anonymous = browser.get("/dashboard/cards");
    assertThat(anonymous.status()).isEqualTo(303);
    assertThat(anonymous.location()).endsWith("/dashboard/login");
    assertThat(browser.post("/dashboard/cards/card_x/freeze", Map.of()).status()).isEqualTo(401);

    FormClient.Answer signedIn = browser.signIn(email, PASSWORD, null);
    assertThat(signedIn.status()).isEqualTo(302);
    String session =
        signedIn.setCookies().stream()
            .filter(c -> c.startsWith("cardos_session="))
            .findFirst()
            .orElseThrow();
    assertThat(session).contains("HttpOnly", "SameSite=Lax", "Path=/dashboard");
    String token = browser.cookies.get("cardos_session");
    assertThat(
            jdbc.sql("SELECT count(*) FROM dashboard_sessions WHERE token_hash::text LIKE :t")
                .param("t", "%" + token + "%")
                .query(Long.class)
                .single())
        .isZero();
    FormClient.Answer overview = browser.get("/dashboard");
    assertThat(overview.status()).isEqualTo(200);
    assertThat(overview.body()).contains("Test mode");

    FormClient.Answer live =
        browser.post("/dashboard/mode", Map.of("_csrf", overview.csrf(), "mode", "live"));
    assertThat(live.setCookies())
        .anySatisfy(c -> assertThat(c).startsWith("cardos_session=").contains("Secure"));
    assertThat(browser.get("/dashboard").body()).contains("Live mode");

    browser.post("/dashboard/logout", Map.of("_csrf", overview.csrf()));
    browser.cookies.put("cardos_session", token);
    assertThat(browser.get("/dashboard").status()).isEqualTo(303);
  }

  @Test
  void aSignInFormWithoutItsTokenIsRefused() {
    String tenant = payments.api.createTenant("Dash " + UUID.randomUUID());
    String email = user(tenant, "viewer");
    FormClient browser = new FormClient(port);
    FormClient.Answer refused =
        browser.post("/dashboard/login", Map.of("email", email, "password", PASSWORD));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(browser.cookies).doesNotContainKey("cardos_session");
  }

  @Test
  void fiveWrongPasswordsLockTheUserOutEvenFromTheRightOne() {
    String tenant = payments.api.createTenant("Dash " + UUID.randomUUID());
    String email = user(tenant, "support");
    FormClient browser = new FormClient(port);
    for (int i = 0; i < 4; i++) {
      assertThat(browser.signIn(email, "wrong password " + i, null).status()).isEqualTo(401);
    }
    FormClient.Answer fifth = browser.signIn(email, "wrong password 5", null);
    assertThat(fifth.status()).isEqualTo(423);
    FormClient.Answer right = browser.signIn(email, PASSWORD, null);
    assertThat(right.status()).isEqualTo(423);
    assertThat(right.body()).contains("locked until");
    assertThat(browser.cookies).doesNotContainKey("cardos_session");
    assertThat(
            jdbc.sql(
                    """
                    SELECT failure FROM dashboard_login_attempts a JOIN dashboard_users u
                      ON u.id = a.user_id WHERE u.email = :e ORDER BY a.id
                    """)
                .param("e", email)
                .query(String.class)
                .list())
        .containsExactly(
            "wrong_password",
            "wrong_password",
            "wrong_password",
            "wrong_password",
            "wrong_password",
            "locked");
    FormClient.Answer unknown =
        browser.signIn("nobody-" + UUID.randomUUID() + "@example.com", PASSWORD, null);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.body()).doesNotContain("locked");
  }

  @Test
  void aUserWithTotpNeedsTheCurrentCodeToSignIn() {
    String tenant = payments.api.createTenant("Dash " + UUID.randomUUID());
    String email = user(tenant, "finance");
    FormClient browser = new FormClient(port);
    browser.signIn(email, PASSWORD, null);
    FormClient.Answer account = browser.get("/dashboard/account");
    FormClient.Answer setUp =
        browser.post("/dashboard/account/totp", Map.of("_csrf", account.csrf()));
    var m =
        java.util.regex.Pattern.compile("id=\"totp-secret\">([A-Z2-7 ]+)<").matcher(setUp.body());
    assertThat(m.find()).isTrue();
    byte[] secret = base32(m.group(1).replace(" ", ""));
    assertThat(
            browser
                .post(
                    "/dashboard/account/totp/confirm",
                    Map.of("_csrf", account.csrf(), "code", "000000"))
                .status())
        .isEqualTo(400);
    String code = Totp.code(secret, Instant.now(), 6);
    assertThat(
            browser
                .post(
                    "/dashboard/account/totp/confirm",
                    Map.of("_csrf", account.csrf(), "code", code))
                .status())
        .isEqualTo(302);
    assertThat(browser.get("/dashboard/account").body()).contains("id=\"totp-status\">on<");

    FormClient other = new FormClient(port);
    assertThat(other.signIn(email, PASSWORD, null).status()).isEqualTo(401);
    assertThat(other.signIn(email, PASSWORD, Totp.code(secret, Instant.now(), 6)).status())
        .isEqualTo(302);
    assertThat(
            jdbc.sql("SELECT totp_key_id IS NOT NULL FROM dashboard_users WHERE email = :e")
                .param("e", email)
                .query(Boolean.class)
                .single())
        .isTrue();
  }

  @Test
  void aUserSeesOnlyTheirOwnTenantsCards() {
    FundedCard theirs = payments.card(10_00);
    String tenant = payments.api.createTenant("Dash " + UUID.randomUUID());
    FormClient browser = new FormClient(port);
    browser.signIn(user(tenant, "admin"), PASSWORD, null);
    assertThat(browser.get("/dashboard/cards/" + theirs.id()).status()).isEqualTo(404);
    String csrf = browser.get("/dashboard").csrf();
    assertThat(
            browser
                .post("/dashboard/cards/" + theirs.id() + "/freeze", Map.of("_csrf", csrf))
                .status())
        .isEqualTo(404);
    assertThat(
            expect(payments.api.get("/v1/cards/" + theirs.id(), theirs.key()), 200).text("status"))
        .isEqualTo("active");
  }

  @Test
  void aSupportUserCannotChangeLimitsAndBadAmountsAreRefusedByField() {
    FundedCard card = payments.card(10_00);
    FormClient support = new FormClient(port);
    support.signIn(user(card.tenantId(), "support"), PASSWORD, null);
    String csrf = support.get("/dashboard").csrf();
    assertThat(
            support
                .post(
                    "/dashboard/cards/" + card.id() + "/limits",
                    Map.of("_csrf", csrf, "daily_limit", "5"))
                .status())
        .isEqualTo(403);

    FormClient finance = new FormClient(port);
    finance.signIn(user(card.tenantId(), "finance"), PASSWORD, null);
    String token = finance.get("/dashboard").csrf();
    FormClient.Answer bad =
        finance.post(
            "/dashboard/cards/" + card.id() + "/limits",
            Map.of("_csrf", token, "daily_limit", "5.555"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("daily_limit");
    assertThat(
            payments
                .api
                .get("/v1/cards/" + card.id() + "/controls", card.key())
                .body()
                .get("daily_limit"))
        .isNull();
    assertThat(
            jdbc.sql(
                    "SELECT outcome FROM audit_log WHERE object_id = :card AND action = :a"
                        + " ORDER BY id")
                .param("card", card.id())
                .param("a", "dashboard refused POST /dashboard/cards/{id}/limits")
                .query(Integer.class)
                .list())
        .containsExactly(403, 400);
  }

  @Test
  void financeIssuesAndFundsACardEachConfirmedAndAudited() {
    var setup = payments.fixtures.b2c("on_demand", "", 100_00);
    FormClient finance = new FormClient(port);
    finance.signIn(user(setup.tenant().id(), "finance"), PASSWORD, null);
    String csrf = finance.get("/dashboard/cards/new").csrf();
    Map<String, String> issue =
        Map.of(
            "_csrf",
            csrf,
            "program_id",
            setup.programId(),
            "cardholder_id",
            setup.cardholderId(),
            "label",
            "Travel");
    FormClient.Answer review = finance.post("/dashboard/cards/new/review", issue);
    assertThat(review.status()).isEqualTo(200);
    assertThat(review.body()).contains("Confirm: issue card");
    FormClient.Answer issued = finance.post("/dashboard/cards/new", issue);
    assertThat(issued.status()).isEqualTo(302);
    String cardId = issued.location().replaceAll(".*/dashboard/cards/([^?]+).*", "$1");
    var card = expect(payments.api.get("/v1/cards/" + cardId, setup.key()), 200);
    assertThat(card.text("label")).isEqualTo("Travel");
    assertThat(card.text("status")).isEqualTo("active");

    FormClient.Answer fundReview =
        finance.post(
            "/dashboard/cards/" + cardId + "/fund/review",
            Map.of("_csrf", csrf, "amount", "10.50"));
    assertThat(fundReview.body()).contains("10.50 USD");
    assertThat(payments.fixtures.available(setup.key(), card.text("account_id"))).isZero();
    assertThat(
            finance
                .post(
                    "/dashboard/cards/" + cardId + "/fund",
                    Map.of("_csrf", csrf, "amount", "10.50"))
                .status())
        .isEqualTo(302);
    assertThat(payments.fixtures.available(setup.key(), card.text("account_id"))).isEqualTo(10_50);
    assertThat(
            jdbc.sql("SELECT action FROM audit_log WHERE object_id = :card ORDER BY id")
                .param("card", cardId)
                .query(String.class)
                .list())
        .containsExactly("dashboard issue card", "dashboard fund card");
  }

  @Test
  void anAdminDisablesAUserWhoseSessionEndsAtOnceAndWhoCannotSignInAgain() {
    String tenant = payments.api.createTenant("Dash " + UUID.randomUUID());
    String viewerEmail = user(tenant, "viewer");
    FormClient viewer = new FormClient(port);
    viewer.signIn(viewerEmail, PASSWORD, null);
    assertThat(viewer.get("/dashboard").status()).isEqualTo(200);
    String viewerId =
        jdbc.sql("SELECT id FROM dashboard_users WHERE email = :e")
            .param("e", viewerEmail)
            .query(String.class)
            .single();

    FormClient admin = new FormClient(port);
    admin.signIn(user(tenant, "admin"), PASSWORD, null);
    String csrf = admin.get("/dashboard/users").csrf();
    assertThat(admin.get("/dashboard/users/" + viewerId + "/confirm-disable").body())
        .contains("Confirm: disable user");
    assertThat(
            viewer
                .post(
                    "/dashboard/users/" + viewerId + "/disable",
                    Map.of("_csrf", viewer.get("/dashboard").csrf()))
                .status())
        .isEqualTo(403);
    assertThat(
            admin.post("/dashboard/users/" + viewerId + "/disable", Map.of("_csrf", csrf)).status())
        .isEqualTo(302);

    assertThat(viewer.get("/dashboard").status()).isEqualTo(303);
    assertThat(new FormClient(port).signIn(viewerEmail, PASSWORD, null).status()).isEqualTo(401);
    assertThat(
            jdbc.sql("SELECT count(*) FROM audit_log WHERE object_id = :u AND action = :a")
                .param("u", viewerId)
                .param("a", "dashboard disable dashboard user")
                .query(Long.class)
                .single())
        .isEqualTo(1);

    String otherTenant = payments.api.createTenant("Dash " + UUID.randomUUID());
    String strangerId =
        expect(
                createUser(
                    otherTenant, "s-" + UUID.randomUUID() + "@example.com", "viewer", PASSWORD),
                201)
            .id();
    assertThat(
            admin
                .post("/dashboard/users/" + strangerId + "/disable", Map.of("_csrf", csrf))
                .status())
        .isEqualTo(404);
  }

  @Test
  void aUserChangesTheirPasswordWithTheCurrentOneAndTheirOtherSessionsEnd() {
    String tenant = payments.api.createTenant("Dash " + UUID.randomUUID());
    String email = user(tenant, "support");
    FormClient laptop = new FormClient(port);
    FormClient phone = new FormClient(port);
    laptop.signIn(email, PASSWORD, null);
    phone.signIn(email, PASSWORD, null);
    String csrf = laptop.get("/dashboard/account").csrf();
    String next = "a brand new passphrase";

    FormClient.Answer wrongCurrent =
        laptop.post(
            "/dashboard/account/password",
            Map.of("_csrf", csrf, "current_password", "not it at all", "new_password", next));
    assertThat(wrongCurrent.status()).isEqualTo(400);
    assertThat(wrongCurrent.body()).contains("current_password");
    FormClient.Answer tooShort =
        laptop.post(
            "/dashboard/account/password",
            Map.of("_csrf", csrf, "current_password", PASSWORD, "new_password", "short"));
    assertThat(tooShort.status()).isEqualTo(400);
    assertThat(phone.get("/dashboard").status()).isEqualTo(200);

    assertThat(
            laptop
                .post(
                    "/dashboard/account/password",
                    Map.of("_csrf", csrf, "current_password", PASSWORD, "new_password", next))
                .status())
        .isEqualTo(302);
    assertThat(laptop.get("/dashboard").status()).isEqualTo(200);
    assertThat(phone.get("/dashboard").status()).isEqualTo(303);
    assertThat(new FormClient(port).signIn(email, PASSWORD, null).status()).isEqualTo(401);
    assertThat(new FormClient(port).signIn(email, next, null).status()).isEqualTo(302);
  }

  private static byte[] base32(String text) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : text.toCharArray()) {
      buffer = (buffer << 5) | alphabet.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
