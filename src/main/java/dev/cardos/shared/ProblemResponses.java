package dev.cardos.shared;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders a {@link Problem} as an RFC 9457 {@code application/problem+json} body. Used by the MVC
 * exception handler and by servlet filters (authentication, rate limits) that answer before any
 * handler runs, so both produce the same shape.
 */
public final class ProblemResponses {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** Request attribute holding the request id ({@code req_...}) assigned on arrival. */
  public static final String REQUEST_ID_ATTRIBUTE = "cardos.requestId";

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private ProblemResponses() {}

  /** The problem body: type, title, status, detail, code, errors and request id. */
  public static Map<String, Object> body(Problem problem, HttpServletRequest request) {
    ProblemCode code = problem.code();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "urn:cardos:problem:" + code.code());
    body.put("title", code.title());
    body.put("status", code.status());
    body.put("detail", problem.detail());
    body.put("code", code.code());
    if (!problem.fieldErrors().isEmpty()) {
      List<Map<String, String>> errors =
          problem.fieldErrors().stream().map(ProblemResponses::fieldError).toList();
      body.put("errors", errors);
    }
    Object requestId = request.getAttribute(REQUEST_ID_ATTRIBUTE);
    if (requestId != null) {
      body.put("request_id", requestId);
    }
    return body;
  }

  private static Map<String, String> fieldError(Problem.FieldError error) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("field", error.field());
    out.put("reason", error.reason());
    return out;
  }

  /** Writes the problem straight to the servlet response. */
  public static void write(
      Problem problem, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setStatus(problem.code().status());
    response.setContentType(MEDIA_TYPE);
    response.setCharacterEncoding("UTF-8");
    MAPPER.writeValue(response.getOutputStream(), body(problem, request));
  }
}
