package dev.cardos.shared;

import java.util.List;

/**
 * A rejected request, answered as RFC 9457 problem details. Business outcomes that reject a request
 * (a conflict, a missing object, bad input) are thrown as a {@code Problem} and rendered by one
 * handler, so every endpoint answers in the same shape and nothing of the internals leaks.
 */
public final class Problem extends RuntimeException {

  private final ProblemCode code;
  private final List<FieldError> fieldErrors;

  public Problem(ProblemCode code, String detail) {
    this(code, detail, List.of());
  }

  public Problem(ProblemCode code, String detail, List<FieldError> fieldErrors) {
    super(detail, null, false, false);
    this.code = code;
    this.fieldErrors = List.copyOf(fieldErrors);
  }

  public ProblemCode code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }

  public List<FieldError> fieldErrors() {
    return fieldErrors;
  }

  /** A 404 for an id the caller cannot see, whether it does not exist or belongs to another. */
  public static Problem notFound(String kind, String id) {
    // Echo only what is shaped like one of our ids: whatever else a client sent in its place
    // (a card number by mistake) must not come back in an error.
    return new Problem(
        ProblemCode.RESOURCE_NOT_FOUND,
        Ids.looksLikeId(id) ? "No " + kind + " with id " + id : "No " + kind + " with that id");
  }

  /** A 400 naming one field and why it was refused. */
  public static Problem invalidField(String field, String reason) {
    return new Problem(
        ProblemCode.VALIDATION_FAILED,
        "The field " + field + " is invalid: " + reason,
        List.of(new FieldError(field, reason)));
  }

  /** One refused field: its snake_case JSON path and a human reason. */
  public record FieldError(String field, String reason) {}
}
