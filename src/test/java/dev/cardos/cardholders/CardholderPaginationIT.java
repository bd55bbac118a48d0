package dev.cardos.cardholders;

import static dev.cardos.testing.TestApi.OPERATOR_KEY;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import dev.cardos.testing.TestApi.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Cursor pagination of {@code GET /v1/cardholders} (SPEC §8): newest first, {@code limit} and
 * {@code starting_after}, and the time filters. One tenant with 250 cardholders is made once for
 * the class; every test only reads it.
 */
@ServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CardholderPaginationIT {

  private static final int CARDHOLDERS = 250;

  @LocalServerPort int port;

  private TestApi api;
  private String key;

  /** Ids in the order they were created, oldest first. */
  private final List<String> createdIds = new ArrayList<>();

  @BeforeAll
  void createCardholders() {
    api = new TestApi(port);
    String tenant = api.createTenant("Pagination " + UUID.randomUUID());
    // A rate limit above the default, so that creating the fixture quickly is not throttled.
    key =
        expect(
                api.post(
                    "/v1/admin/tenants/" + tenant + "/api-keys",
                    OPERATOR_KEY,
                    """
                    {"mode": "test", "scopes": ["cards:read", "cards:write"],
                     "rate_limit_per_second": 10000}
                    """),
                201)
            .text("secret");
    for (int i = 0; i < CARDHOLDERS; i++) {
      createdIds.add(
          expect(api.post("/v1/cardholders", key, TestApi.cardholderJson("user-" + i)), 201).id());
    }
  }

  @Test
  void pagesThroughEveryCardholderNewestFirst() {
    List<JsonNode> all = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    List<Boolean> hasMore = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 10; page++) {
      Response r =
          expect(
              api.get(
                  "/v1/cardholders?limit=100" + (cursor == null ? "" : "&starting_after=" + cursor),
                  key),
              200);
      List<JsonNode> data = items(r);
      sizes.add(data.size());
      hasMore.add(r.body().get("has_more").asBoolean());
      all.addAll(data);
      if (!r.body().get("has_more").asBoolean()) {
        break;
      }
      cursor = data.getLast().get("id").asString();
    }

    assertThat(sizes).containsExactly(100, 100, 50);
    assertThat(hasMore).containsExactly(true, true, false);
    List<String> ids = all.stream().map(c -> c.get("id").asString()).toList();
    assertThat(new HashSet<>(ids)).hasSize(CARDHOLDERS);
    assertThat(ids).isEqualTo(createdIds.reversed());
    for (int i = 1; i < all.size(); i++) {
      assertThat(ids.get(i)).as("id at %d", i).isLessThan(ids.get(i - 1));
      assertThat(createdAt(all.get(i)))
          .as("created_at at %d", i)
          .isBeforeOrEqualTo(createdAt(all.get(i - 1)));
    }
  }

  @Test
  void defaultPageIsTheTenNewest() {
    Response r = expect(api.get("/v1/cardholders", key), 200);
    assertThat(ids(r)).isEqualTo(createdIds.reversed().subList(0, 10));
    assertThat(r.body().get("has_more").asBoolean()).isTrue();
  }

  @Test
  void pageAfterTheOldestIsEmpty() {
    Response r =
        expect(api.get("/v1/cardholders?starting_after=" + createdIds.getFirst(), key), 200);
    assertThat(r.body().get("data")).isEmpty();
    assertThat(r.body().get("has_more").asBoolean()).isFalse();
  }

  @Test
  void pageThatEndsExactlyAtTheOldestHasNoMore() {
    Response r =
        expect(api.get("/v1/cardholders?limit=50&starting_after=" + createdIds.get(50), key), 200);
    assertThat(ids(r)).isEqualTo(createdIds.subList(0, 50).reversed());
    assertThat(r.body().get("has_more").asBoolean()).isFalse();
  }

  @ParameterizedTest(name = "limit={0}")
  @CsvSource({"0", "101", "-1", "1000", "ten", "1.5"})
  void refusesALimitOutsideOneToHundred(String limit) {
    assertInvalidParameter(api.get("/v1/cardholders?limit=" + limit, key), "limit");
  }

  @ParameterizedTest(name = "starting_after={0}")
  @CsvSource({
    "nope",
    "ch_",
    "ch_123",
    "ch_0000000000000000000000000u",
    "ten_00000000000000000000000000",
    "card_00000000000000000000000000"
  })
  void refusesAMalformedStartingAfter(String startingAfter) {
    assertInvalidParameter(
        api.get("/v1/cardholders?starting_after=" + startingAfter, key), "starting_after");
  }

  @Test
  void limitsAndCursorWorkAtTheirBounds() {
    Response one = expect(api.get("/v1/cardholders?limit=1", key), 200);
    assertThat(ids(one)).containsExactly(createdIds.getLast());
    assertThat(one.body().get("has_more").asBoolean()).isTrue();
    Response hundred =
        expect(
            api.get("/v1/cardholders?limit=100&starting_after=" + createdIds.getLast(), key), 200);
    assertThat(ids(hundred))
        .isEqualTo(createdIds.reversed().subList(1, 101))
        .doesNotContain(createdIds.getLast());
  }

  @Test
  void filtersByCreationTime() {
    List<JsonNode> all = everything("");
    Instant after = createdAt(all.get(200));
    Instant before = createdAt(all.get(50));

    List<String> between =
        everything("&created_after=" + after + "&created_before=" + before).stream()
            .map(c -> c.get("id").asString())
            .toList();
    List<String> expected =
        all.stream()
            .filter(c -> createdAt(c).isAfter(after) && createdAt(c).isBefore(before))
            .map(c -> c.get("id").asString())
            .toList();
    assertThat(expected).hasSizeGreaterThanOrEqualTo(100);
    assertThat(between).isEqualTo(expected);

    List<String> newer = ids(everything("&created_after=" + after));
    assertThat(newer)
        .isEqualTo(
            all.stream()
                .filter(c -> createdAt(c).isAfter(after))
                .map(c -> c.get("id").asString())
                .toList())
        .doesNotContain(all.get(200).get("id").asString());

    List<String> older = ids(everything("&created_before=" + before));
    assertThat(older)
        .isEqualTo(
            all.stream()
                .filter(c -> createdAt(c).isBefore(before))
                .map(c -> c.get("id").asString())
                .toList())
        .doesNotContain(all.get(50).get("id").asString());

    assertThat(everything("&created_after=" + before + "&created_before=" + after)).isEmpty();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({"created_after, yesterday", "created_before, 2026-13-01T00:00:00Z"})
  void refusesAMalformedTimeFilter(String parameter, String value) {
    assertInvalidParameter(api.get("/v1/cardholders?" + parameter + "=" + value, key), parameter);
  }

  /** Every cardholder matching the extra query, paged through with the largest page. */
  private List<JsonNode> everything(String query) {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page <= CARDHOLDERS / 100 + 1; page++) {
      Response r =
          expect(
              api.get(
                  "/v1/cardholders?limit=100"
                      + query
                      + (cursor == null ? "" : "&starting_after=" + cursor),
                  key),
              200);
      List<JsonNode> data = items(r);
      out.addAll(data);
      if (!r.body().get("has_more").asBoolean()) {
        return out;
      }
      cursor = data.getLast().get("id").asString();
    }
    throw new AssertionError("has_more never became false for " + query);
  }

  private static void assertInvalidParameter(Response response, String parameter) {
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.code()).as(response.toString()).isEqualTo("invalid_parameter");
    assertThat(response.body().get("errors").get(0).get("field").asString()).isEqualTo(parameter);
    assertThat(response.text("detail")).contains(parameter);
  }

  private static Instant createdAt(JsonNode cardholder) {
    return Instant.parse(cardholder.get("created_at").asString());
  }

  private static List<JsonNode> items(Response list) {
    List<JsonNode> out = new ArrayList<>();
    list.body().get("data").forEach(out::add);
    return out;
  }

  private static List<String> ids(Response list) {
    return ids(items(list));
  }

  private static List<String> ids(List<JsonNode> items) {
    return items.stream().map(c -> c.get("id").asString()).toList();
  }
}
