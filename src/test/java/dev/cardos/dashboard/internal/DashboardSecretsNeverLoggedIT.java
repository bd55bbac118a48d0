package dev.cardos.dashboard.internal;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.authorization.Payments;
import dev.cardos.authorization.Payments.FundedCard;
import dev.cardos.testing.ServerTest;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Passwords, session and CSRF tokens, TOTP secrets and revealed card details never reach the log,
 * the audit log or the console, on success or refusal; an admin's reveal is audited.
 */
@ServerTest
@ExtendWith(OutputCaptureExtension.class)
class DashboardSecretsNeverLoggedIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Test
  void noDashboardSecretIsLoggedOrAudited(CapturedOutput output) {
    Payments payments = new Payments(port, jdbc);
    FundedCard card = payments.card(10_00);
    String password = "pw-" + UUID.randomUUID();
    String email = "admin-" + UUID.randomUUID() + "@example.com";
    expect(
        payments.api.post(
            "/v1/admin/tenants/" + card.tenantId() + "/dashboard-users",
            OPERATOR_KEY,
            "{\"email\": \"%s\", \"name\": \"A\", \"role\": \"admin\", \"password\": \"%s\"}"
                .formatted(email, password)),
        201);
    String wrongPassword = "wrong-" + UUID.randomUUID();
    FormClient browser = new FormClient(port);
    assertThat(browser.signIn(email, wrongPassword, null).status()).isEqualTo(401);
    assertThat(browser.signIn(email, password, null).status()).isEqualTo(302);
    String session = browser.cookies.get("cardos_session");
    String csrf = browser.get("/dashboard/account").csrf();
    FormClient.Answer setUp = browser.post("/dashboard/account/totp", Map.of("_csrf", csrf));
    var secret = Pattern.compile("id=\"totp-secret\">([A-Z2-7 ]+)<").matcher(setUp.body());
    assertThat(secret.find()).isTrue();
    assertThat(
            browser
                .post("/dashboard/account/totp/confirm", Map.of("_csrf", csrf, "code", "123456"))
                .status())
        .isIn(302, 400);

    String pan = payments.fixtures.revealPan(card.key(), card.id());
    FormClient.Answer revealed =
        browser.post("/dashboard/cards/" + card.id() + "/reveal", Map.of("_csrf", csrf));
    assertThat(revealed.status()).isEqualTo(200);
    assertThat(revealed.body()).contains(pan);

    String everything = output.getAll();
    // The capture does see the server's log: the sign-ins and the reveal are in it, by route.
    assertThat(everything).contains("POST /dashboard/login 401", "POST /dashboard/login 302");
    assertThat(everything).contains("/reveal 200");
    String audit =
        String.join(
            "\n",
            jdbc.sql("SELECT concat_ws(' ', action, object_id, actor_key_id) FROM audit_log")
                .query(String.class)
                .list());
    for (String secretValue :
        new String[] {
          password,
          wrongPassword,
          session,
          csrf,
          secret.group(1),
          secret.group(1).replace(" ", ""),
          pan
        }) {
      assertThat(everything).doesNotContain(secretValue);
      assertThat(audit).doesNotContain(secretValue);
    }
    assertThat(
            jdbc.sql("SELECT count(*) FROM audit_log WHERE object_id = :c AND action = :a")
                .param("c", card.id())
                .param("a", "dashboard reveal card details")
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }
}
