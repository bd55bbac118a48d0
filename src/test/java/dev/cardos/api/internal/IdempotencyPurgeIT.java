package dev.cardos.api.internal;

import static dev.cardos.testing.TestApi.cardholderJson;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** SPEC §8: idempotency keys are kept at least 24 h, and forgotten after their retention. */
@ServerTest
class IdempotencyPurgeIT {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired IdempotencyPurge purge;

  @Test
  void purgeKeepsAKey23HoursOldAndForgetsOne25HoursOld() {
    TestApi api = new TestApi(port);
    String tenant = api.createTenant("Tenant " + UUID.randomUUID());
    String secret = api.createKey(tenant, "test", "cards:read", "cards:write").text("secret");
    String scope = tenant + "/test";
    String recent = "recent-" + UUID.randomUUID();
    String old = "old-" + UUID.randomUUID();
    expect(create(api, secret, "recent", recent), 201);
    expect(create(api, secret, "old", old), 201);
    age(scope, recent, "23 hours");
    age(scope, old, "25 hours");

    purge.purge();

    assertThat(stored(scope, recent)).isTrue();
    assertThat(stored(scope, old)).isFalse();
    // The kept key still guards its request; the forgotten one may now be used afresh.
    Response stillGuarded = create(api, secret, "another", recent);
    assertThat(stillGuarded.status()).isEqualTo(422);
    assertThat(stillGuarded.code()).isEqualTo("idempotency_key_reused");
    Response afresh = expect(create(api, secret, "another", old), 201);
    assertThat(afresh.header("Idempotent-Replayed")).isNull();
  }

  private static Response create(TestApi api, String secret, String reference, String key) {
    return api.post("/v1/cardholders", secret, cardholderJson(reference), "Idempotency-Key", key);
  }

  private void age(String scope, String key, String age) {
    int updated =
        jdbc.sql(
                "UPDATE idempotency_keys SET created_at = now() - CAST(:age AS interval)"
                    + " WHERE scope = :scope AND key = :key")
            .param("age", age)
            .param("scope", scope)
            .param("key", key)
            .update();
    assertThat(updated).isEqualTo(1);
  }

  private boolean stored(String scope, String key) {
    return jdbc.sql(
            "SELECT EXISTS (SELECT 1 FROM idempotency_keys WHERE scope = :scope AND key = :key)")
        .param("scope", scope)
        .param("key", key)
        .query(Boolean.class)
        .single();
  }
}
