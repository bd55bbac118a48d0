package dev.cardos.shared;

import java.util.List;
import java.util.function.Function;

/** One page of a newest-first list; {@code hasMore} says whether older objects follow. */
public record Page<T>(List<T> data, boolean hasMore) {

  public Page {
    data = List.copyOf(data);
  }

  /** Cuts rows fetched with {@link PageRequest#fetchSize()} down to the page. */
  public static <T> Page<T> of(List<T> rows, PageRequest request) {
    boolean more = rows.size() > request.limit();
    return new Page<>(more ? rows.subList(0, request.limit()) : rows, more);
  }

  public <R> Page<R> map(Function<T, R> mapper) {
    return new Page<>(data.stream().map(mapper).toList(), hasMore);
  }
}
