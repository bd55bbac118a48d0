package dev.cardos.api.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindingResult;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every failure into an RFC 9457 problem with a stable code. Field paths are given in the
 * JSON's snake_case. An unexpected exception is logged with the request id and answered as a bare
 * 500 that names nothing internal.
 */
@RestControllerAdvice
class ProblemHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  private static final MediaType PROBLEM_JSON =
      MediaType.parseMediaType(ProblemResponses.MEDIA_TYPE);

  @ExceptionHandler(Problem.class)
  ResponseEntity<Map<String, Object>> problem(Problem problem, HttpServletRequest request) {
    return ResponseEntity.status(problem.code().status())
        .contentType(PROBLEM_JSON)
        .body(ProblemResponses.body(problem, request));
  }

  @ExceptionHandler(MethodArgumentNotValidException.class)
  ResponseEntity<Map<String, Object>> invalidBody(
      MethodArgumentNotValidException e, HttpServletRequest request) {
    return problem(validation(e.getBindingResult()), request);
  }

  @ExceptionHandler(HandlerMethodValidationException.class)
  ResponseEntity<Map<String, Object>> invalidParameters(
      HandlerMethodValidationException e, HttpServletRequest request) {
    List<Problem.FieldError> errors = new ArrayList<>();
    e.getParameterValidationResults()
        .forEach(
            result -> {
              String name = result.getMethodParameter().getParameterName();
              result
                  .getResolvableErrors()
                  .forEach(
                      err ->
                          errors.add(new Problem.FieldError(snake(name), err.getDefaultMessage())));
            });
    return problem(new Problem(ProblemCode.VALIDATION_FAILED, summary(errors), errors), request);
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<Map<String, Object>> unreadable(
      HttpMessageNotReadableException e, HttpServletRequest request) {
    return problem(unreadableProblem(e.getCause()), request);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<Map<String, Object>> typeMismatch(
      MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    String name = snake(e.getName());
    return problem(parameter(name, "has an invalid value"), request);
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<Map<String, Object>> missingParameter(
      MissingServletRequestParameterException e, HttpServletRequest request) {
    return problem(parameter(e.getParameterName(), "is required"), request);
  }

  @ExceptionHandler(MissingRequestHeaderException.class)
  ResponseEntity<Map<String, Object>> missingHeader(
      MissingRequestHeaderException e, HttpServletRequest request) {
    return problem(parameter(e.getHeaderName(), "header is required"), request);
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<Map<String, Object>> noRoute(
      NoResourceFoundException e, HttpServletRequest request) {
    return problem(
        new Problem(ProblemCode.ROUTE_NOT_FOUND, "No endpoint " + request.getRequestURI()),
        request);
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<Map<String, Object>> method(
      HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
    return problem(
        new Problem(
            ProblemCode.METHOD_NOT_ALLOWED,
            request.getMethod() + " is not allowed on " + request.getRequestURI()),
        request);
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<Map<String, Object>> mediaType(
      HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
    return problem(
        new Problem(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "Send Content-Type: application/json"),
        request);
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  ResponseEntity<Map<String, Object>> notAcceptable(
      HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
    return problem(
        new Problem(ProblemCode.NOT_ACCEPTABLE, "This endpoint answers application/json"), request);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, Object>> unexpected(Exception e, HttpServletRequest request) {
    Object requestId = request.getAttribute(ProblemResponses.REQUEST_ID_ATTRIBUTE);
    if (unstorableText(e)) {
      return problem(
          new Problem(
              ProblemCode.VALIDATION_FAILED,
              "The request holds text that cannot be stored: a NUL character (\\u0000) or an"
                  + " invalid character encoding"),
          request);
    }
    if (DatabaseOutages.causedOutage(e)) {
      log.warn("Database unreachable in request {}: {}", requestId, e.getClass().getName());
      return ResponseEntity.status(ProblemCode.SERVICE_UNAVAILABLE.status())
          .header("Retry-After", Integer.toString(DatabaseOutages.RETRY_AFTER_SECONDS))
          .contentType(PROBLEM_JSON)
          .body(
              ProblemResponses.body(
                  new Problem(
                      ProblemCode.SERVICE_UNAVAILABLE,
                      "The database cannot be reached; nothing was committed, retry shortly"),
                  request));
    }
    log.error("Unexpected failure in request {}: {}", requestId, e.getClass().getName(), e);
    return problem(
        new Problem(
            ProblemCode.INTERNAL_ERROR,
            "Something went wrong on our side; quote the request id to support"),
        request);
  }

  /**
   * PostgreSQL refuses a NUL character in text (SQLSTATE 22021) and text it cannot convert (22P05).
   * Such input reaches the database only when no field rule caught it first; the write is rolled
   * back and the client told its input was wrong, not that CardOS failed.
   */
  private static boolean unstorableText(Throwable failure) {
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql
          && ("22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  private static Problem validation(BindingResult result) {
    List<Problem.FieldError> errors =
        result.getFieldErrors().stream()
            .map(f -> new Problem.FieldError(snake(f.getField()), f.getDefaultMessage()))
            .sorted(java.util.Comparator.comparing(Problem.FieldError::field))
            .toList();
    return new Problem(ProblemCode.VALIDATION_FAILED, summary(errors), errors);
  }

  private static Problem unreadableProblem(Throwable cause) {
    if (cause instanceof UnrecognizedPropertyException unknown) {
      String field = path(unknown);
      return new Problem(
          ProblemCode.UNKNOWN_FIELD,
          "The field " + field + " is not accepted here",
          List.of(new Problem.FieldError(field, "is not a known field")));
    }
    if (cause instanceof InvalidFormatException format) {
      return Problem.invalidField(path(format), expected(format.getTargetType()));
    }
    if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
      return Problem.invalidField(path(mismatch), expected(mismatch.getTargetType()));
    }
    if (cause instanceof InputCoercionException range && !range.getPath().isEmpty()) {
      return Problem.invalidField(path(range), "is out of range");
    }
    if (cause instanceof JacksonException json && !json.getPath().isEmpty()) {
      return Problem.invalidField(path(json), "has an invalid value");
    }
    if (cause instanceof StreamReadException || cause instanceof JacksonException) {
      return new Problem(ProblemCode.MALFORMED_JSON, "The body is not valid JSON");
    }
    return new Problem(ProblemCode.MALFORMED_JSON, "A JSON request body is required");
  }

  /** What a field of this type must look like, in words. */
  private static String expected(Class<?> type) {
    if (type == null) {
      return "has the wrong type";
    }
    if (type.isEnum()) {
      return "must be one of " + enumValues(type);
    }
    if (type == java.time.LocalDate.class) {
      return "must be a date as YYYY-MM-DD";
    }
    if (type == java.time.Instant.class) {
      return "must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z";
    }
    if (type == String.class) {
      return "must be a string";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
      return "must be an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "must be true or false";
    }
    if (java.util.Map.class.isAssignableFrom(type)) {
      return "must be an object";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "must be an array";
    }
    return "has the wrong type";
  }

  private static Problem parameter(String name, String reason) {
    return new Problem(
        ProblemCode.INVALID_PARAMETER,
        "The parameter " + name + " " + reason,
        List.of(new Problem.FieldError(name, reason)));
  }

  private static String summary(List<Problem.FieldError> errors) {
    if (errors.isEmpty()) {
      return "The request is invalid";
    }
    Problem.FieldError first = errors.getFirst();
    String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
    return "The field " + first.field() + " " + first.reason() + more;
  }

  /** The JSON path of a Jackson failure: {@code billing_address.country}, {@code scopes[0]}. */
  private static String path(JacksonException e) {
    StringBuilder out = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.isEmpty() ? "body" : out.toString();
  }

  private static List<String> enumValues(Class<?> type) {
    return Arrays.stream(type.getFields())
        .filter(java.lang.reflect.Field::isEnumConstant)
        .map(
            f -> {
              JsonProperty property = f.getAnnotation(JsonProperty.class);
              return property != null ? property.value() : f.getName().toLowerCase(Locale.ROOT);
            })
        .toList();
  }

  /** {@code billingAddress.postalCode} to {@code billing_address.postal_code}. */
  static String snake(String javaPath) {
    return javaPath.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
