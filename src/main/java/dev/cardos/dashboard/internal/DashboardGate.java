package dev.cardos.dashboard.internal;

import dev.cardos.shared.FilterOrder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards every {@code /dashboard} request: security headers on every answer, a signed-in session
 * for every page but the sign-in page, and a valid CSRF token on every {@code POST} before any
 * handler runs (the sign-in form uses a double-submit cookie, since there is no session yet). A
 * refused {@code POST} changes nothing.
 */
@Component
@Order(FilterOrder.DASHBOARD_GATE)
class DashboardGate extends OncePerRequestFilter {

  static final String SESSION_COOKIE = "cardos_session";
  static final String LOGIN_CSRF_COOKIE = "cardos_login_csrf";
  static final String CSRF_FIELD = "_csrf";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String LOGIN_PATH = "/dashboard/login";
  private static final String ASSETS = "/dashboard/assets/";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD");

  private final DashboardSessions sessions;
  private final DashboardUsers users;
  private final DashboardProperties properties;

  DashboardGate(DashboardSessions sessions, DashboardUsers users, DashboardProperties properties) {
    this.sessions = sessions;
    this.users = users;
    this.properties = properties;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !(path.equals("/dashboard") || path.startsWith("/dashboard/"));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI();
    response.setHeader(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
            + " frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "same-origin");
    if (path.startsWith(ASSETS)) {
      chain.doFilter(request, response);
      return;
    }
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    boolean safe = SAFE_METHODS.contains(request.getMethod());
    if (path.equals(LOGIN_PATH)) {
      if (!safe && !loginCsrfValid(request)) {
        refuse(
            response,
            HttpServletResponse.SC_FORBIDDEN,
            "The form's security token is missing or stale: reload the sign-in page and try again.");
        return;
      }
      chain.doFilter(request, response);
      return;
    }
    String token = cookie(request, SESSION_COOKIE);
    var session =
        token == null
            ? java.util.Optional.<DashboardSessions.Session>empty()
            : sessions.resolve(token);
    var user = session.flatMap(s -> users.find(s.userId())).filter(u -> !u.disabled());
    if (user.isEmpty()) {
      if (safe) {
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader(HttpHeaders.LOCATION, LOGIN_PATH);
      } else {
        refuse(
            response,
            HttpServletResponse.SC_UNAUTHORIZED,
            "Your session has ended: sign in again.");
      }
      return;
    }
    String csrf = DashboardSessions.csrfToken(token);
    if (!safe) {
      String given = request.getHeader(CSRF_HEADER);
      if (given == null) {
        given = request.getParameter(CSRF_FIELD);
      }
      if (!DashboardSessions.sameToken(csrf, given)) {
        refuse(
            response,
            HttpServletResponse.SC_FORBIDDEN,
            "The form's security token is missing or wrong: nothing was changed. Reload the page and try again.");
        return;
      }
    }
    request.setAttribute(SignedIn.ATTRIBUTE, new SignedIn(user.get(), session.get(), csrf));
    chain.doFilter(request, response);
  }

  private static boolean loginCsrfValid(HttpServletRequest request) {
    String cookie = cookie(request, LOGIN_CSRF_COOKIE);
    return cookie != null
        && cookie.length() >= 20
        && DashboardSessions.sameToken(cookie, request.getParameter(CSRF_FIELD));
  }

  /** A plain page for a request refused before any handler, with nothing in it from the request. */
  private static void refuse(HttpServletResponse response, int status, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/html;charset=UTF-8");
    byte[] body =
        ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Refused"
                + " &middot; CardOS</title><link rel=\"stylesheet\""
                + " href=\"/dashboard/assets/dashboard.css\"></head><body><main class=\"narrow\">"
                + "<h1>Request refused</h1><p role=\"alert\">"
                + message
                + "</p><p><a href=\"/dashboard\">Back to the dashboard</a></p></main></body></html>")
            .getBytes(StandardCharsets.UTF_8);
    response.getOutputStream().write(body);
  }

  static String cookie(HttpServletRequest request, String name) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie c : cookies) {
      if (name.equals(c.getName())) {
        return c.getValue();
      }
    }
    return null;
  }

  /** A cookie for dashboard paths only: HttpOnly, SameSite=Lax, Secure as configured. */
  ResponseCookie cookieFor(
      HttpServletRequest request,
      String name,
      String value,
      java.time.Duration maxAge,
      boolean live) {
    return ResponseCookie.from(name, value)
        .path("/dashboard")
        .httpOnly(true)
        .secure(secure(request, live))
        .sameSite("Lax")
        .maxAge(maxAge)
        .build();
  }

  boolean secure(HttpServletRequest request, boolean live) {
    return switch (properties.secureCookie()) {
      case "always" -> true;
      case "never" -> false;
      default -> live || request.isSecure() || !loopback(request.getServerName());
    };
  }

  private static boolean loopback(String host) {
    if ("localhost".equalsIgnoreCase(host)) {
      return true;
    }
    try {
      return host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+\\]?")
          && InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
