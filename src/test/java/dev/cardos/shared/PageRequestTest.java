package dev.cardos.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageRequestTest {

  private static final String VALID_CH_ID = "ch_01ARYZ6S41TSV4RRFFQ69G5FAV";

  private static List<Integer> rows(int count) {
    return IntStream.rangeClosed(1, count).boxed().toList();
  }

  @Test
  void withoutALimitThePageHoldsTen() {
    PageRequest request = PageRequest.of(null, null, "ch_");

    assertThat(request.limit()).isEqualTo(PageRequest.LIMIT_DEFAULT).isEqualTo(10);
    assertThat(request.startingAfter()).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 10, 100})
  void limitsFromOneToOneHundredAreAccepted(int limit) {
    assertThat(PageRequest.of(limit, null, "ch_").limit()).isEqualTo(limit);
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 101, 1000})
  void anyOtherLimitIsRefusedNamingTheLimitParameter(int limit) {
    Problem problem = catchThrowableOfType(Problem.class, () -> PageRequest.of(limit, null, "ch_"));

    assertThat(problem).isNotNull();
    assertThat(problem.code()).isEqualTo(ProblemCode.INVALID_PARAMETER);
    assertThat(problem.fieldErrors())
        .singleElement()
        .satisfies(error -> assertThat(error.field()).isEqualTo("limit"));
  }

  @Test
  void theConstructorRefusesAnOutOfRangeLimitToo() {
    assertThatThrownBy(() -> new PageRequest(0, null)).isInstanceOf(Problem.class);
    assertThatThrownBy(() -> new PageRequest(101, null)).isInstanceOf(Problem.class);
  }

  @Test
  void startingAfterAnIdOfTheListedTypeIsAccepted() {
    assertThat(PageRequest.of(5, VALID_CH_ID, "ch_").startingAfter()).isEqualTo(VALID_CH_ID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ten_01ARYZ6S41TSV4RRFFQ69G5FAV",
        "01ARYZ6S41TSV4RRFFQ69G5FAV",
        "ch_01ARYZ6S41TSV4RRFFQ69G5FA",
        "ch_not-an-id",
        ""
      })
  void startingAfterAnythingButAnIdOfTheListedTypeIsRefused(String cursor) {
    Problem problem =
        catchThrowableOfType(Problem.class, () -> PageRequest.of(null, cursor, "ch_"));

    assertThat(problem).isNotNull();
    assertThat(problem.code()).isEqualTo(ProblemCode.INVALID_PARAMETER);
    assertThat(problem.fieldErrors())
        .singleElement()
        .satisfies(error -> assertThat(error.field()).isEqualTo("starting_after"));
  }

  @Test
  void oneMoreRowThanThePageIsFetched() {
    assertThat(PageRequest.of(25, null, "ch_").fetchSize()).isEqualTo(26);
  }

  @Test
  void aFullFetchIsTrimmedToTheLimitAndHasMore() {
    PageRequest request = PageRequest.of(3, null, "ch_");

    Page<Integer> page = Page.of(rows(request.fetchSize()), request);

    assertThat(page.data()).containsExactly(1, 2, 3);
    assertThat(page.hasMore()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void aFetchOfAtMostTheLimitIsTheWholePageWithNoMore(int count) {
    PageRequest request = PageRequest.of(3, null, "ch_");

    Page<Integer> page = Page.of(rows(count), request);

    assertThat(page.data()).isEqualTo(rows(count));
    assertThat(page.hasMore()).isFalse();
  }

  @Test
  void aPageDoesNotChangeWhenTheFetchedRowsDo() {
    List<Integer> fetched = new ArrayList<>(rows(4));

    Page<Integer> page = Page.of(fetched, PageRequest.of(3, null, "ch_"));
    fetched.set(0, 99);

    assertThat(page.data()).containsExactly(1, 2, 3);
    assertThatThrownBy(() -> page.data().add(4)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void mappingAPageKeepsHasMore() {
    Page<Integer> page = Page.of(rows(4), PageRequest.of(3, null, "ch_"));

    Page<String> mapped = page.map(i -> "#" + i);

    assertThat(mapped.data()).containsExactly("#1", "#2", "#3");
    assertThat(mapped.hasMore()).isTrue();
  }
}
