package dev.cardos.tenancy.internal;

import dev.cardos.shared.FilterOrder;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.ProblemResponses;
import dev.cardos.tenancy.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Resolves {@code Authorization: Bearer <key>} on every {@code /v1} request into a {@link Caller},
 * or answers 401 before any handler runs. The secret itself is never logged or kept.
 */
@Component
@Order(FilterOrder.AUTHENTICATION)
class ApiKeyAuthentication extends OncePerRequestFilter {

  private static final String BEARER = "Bearer ";

  private final KeyDirectory keys;

  ApiKeyAuthentication(KeyDirectory keys) {
    this.keys = keys;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/v1/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (header == null || !header.startsWith(BEARER)) {
      response.setHeader("WWW-Authenticate", "Bearer");
      ProblemResponses.write(
          new Problem(
              ProblemCode.AUTHENTICATION_REQUIRED,
              "Send an API key as 'Authorization: Bearer <key>'"),
          request,
          response);
      return;
    }
    var caller = keys.authenticate(header.substring(BEARER.length()).trim());
    if (caller.isEmpty()) {
      response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      ProblemResponses.write(
          new Problem(
              ProblemCode.AUTHENTICATION_REQUIRED, "The API key is unknown or has been revoked"),
          request,
          response);
      return;
    }
    request.setAttribute(Caller.ATTRIBUTE, caller.get());
    chain.doFilter(request, response);
  }
}
