package dev.cardos.shared;

/**
 * A cursor page request: at most {@code limit} objects (1 to 100) older than the object {@code
 * startingAfter} (or from the newest when it is null).
 */
public record PageRequest(int limit, String startingAfter) {

  public static final int LIMIT_DEFAULT = 10;
  public static final int LIMIT_MAX = 100;

  public PageRequest {
    if (limit < 1 || limit > LIMIT_MAX) {
      throw new Problem(
          ProblemCode.INVALID_PARAMETER,
          "limit must be between 1 and " + LIMIT_MAX,
          java.util.List.of(new Problem.FieldError("limit", "must be between 1 and " + LIMIT_MAX)));
    }
  }

  /** Parses the {@code limit} and {@code starting_after} query parameters for ids of one type. */
  public static PageRequest of(Integer limit, String startingAfter, String idPrefix) {
    if (startingAfter != null && !Ids.isValid(startingAfter, idPrefix)) {
      throw new Problem(
          ProblemCode.INVALID_PARAMETER,
          "starting_after must be an id starting with " + idPrefix,
          java.util.List.of(
              new Problem.FieldError("starting_after", "must be an id starting with " + idPrefix)));
    }
    return new PageRequest(limit == null ? LIMIT_DEFAULT : limit, startingAfter);
  }

  /** Rows to fetch: one more than the page, to learn whether there is a next page. */
  public int fetchSize() {
    return limit + 1;
  }
}
