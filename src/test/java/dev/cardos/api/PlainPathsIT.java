package dev.cardos.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A path the router would match after decoding it or dropping its path parameters, but that the
 * filters before it would read differently, is refused before any of them: a simulated
 * authorization sent as {@code /v1/simulate/authorizations;x} once ran inside a write transaction
 * (holding a connection while it waited for the group commit's), and a reveal sent as {@code
 * .../sensitive;x} escaped the reveal budget.
 */
@ServerTest
class PlainPathsIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Test
  void aPathNotSentPlainlyIsRefusedWith400AndNothingIsWritten() {
    TestApi api = new TestApi(port);
    String tenant = api.createTenant("Tenant " + UUID.randomUUID());
    String key =
        api.createKey(tenant, "test", TestApi.ALL_SCOPES.toArray(String[]::new)).text("secret");
    long audited = audited(tenant);

    List<Response> answers =
        List.of(
            api.post("/v1/simulate/authorizations;x=1", key, "{}"),
            api.post("/v1/simulate/%61uthorizations", key, "{}"),
            api.post("/v1/%63ards", key, "{}"),
            api.get("/v1/cards/card_00000000000000000000000000/sensitive;x", key),
            api.get("/v1//cards", key),
            api.get("/v1/./cards", key),
            api.get("/%761/cards", null));

    for (Response r : answers) {
      assertThat(r.status()).as(r.raw()).isEqualTo(400);
      assertThat(r.code()).isEqualTo("invalid_parameter");
      assertThat(r.body().get("errors").get(0).get("field").asString()).isEqualTo("path");
      assertThat(r.text("request_id")).isEqualTo(r.header("Request-Id"));
    }
    assertThat(audited(tenant)).isEqualTo(audited);
    // The same routes sent plainly are served.
    assertThat(api.get("/v1/cards", key).status()).isEqualTo(200);
  }

  private long audited(String tenant) {
    return jdbc.sql("SELECT count(*) FROM audit_log WHERE tenant_id = :t")
        .param("t", tenant)
        .query(Long.class)
        .single();
  }
}
