package dev.cardos.api.internal;

import dev.cardos.shared.FilterOrder;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 400 to a request whose path is not written plainly: with path parameters ({@code ;}),
 * percent-encoding, a backslash, an empty segment ({@code //}) or a {@code .} or {@code ..}
 * segment. The filters after this one (authentication, rate limits, the write transaction, the
 * dashboard's gate) decide by the path as sent, while the router matches it decoded and without
 * path parameters: {@code /v1/simulate/authorizations;x} would reach the simulation endpoint inside
 * a write transaction, and {@code /v1/cards/c/sensitive;x} would escape the reveal budget. Every
 * CardOS path is plain (ids are letters, digits and {@code _}), so refusing the others costs no
 * client anything and makes the raw path and the routed one the same.
 */
@Component
@Order(FilterOrder.PLAIN_PATH)
class PlainPaths extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String why = whyNotPlain(request.getRequestURI());
    if (why != null) {
      ProblemResponses.write(
          new Problem(
              ProblemCode.INVALID_PARAMETER,
              "The path must be sent plainly: it " + why,
              List.of(new Problem.FieldError("path", why))),
          request,
          response);
      return;
    }
    chain.doFilter(request, response);
  }

  /** Why the raw path is not plain, or null when it is. */
  static String whyNotPlain(String path) {
    if (path == null || !path.startsWith("/")) {
      return "does not start with '/'";
    }
    if (path.indexOf(';') >= 0) {
      return "has path parameters (';')";
    }
    if (path.indexOf('%') >= 0) {
      return "is percent-encoded";
    }
    if (path.indexOf('\\') >= 0) {
      return "has a backslash";
    }
    if (path.contains("//")) {
      return "has an empty segment ('//')";
    }
    for (String segment : path.split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        return "has a '.' or '..' segment";
      }
    }
    return null;
  }
}
