package dev.cardos.api.internal;

import dev.cardos.shared.FilterOrder;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.ProblemResponses;
import dev.cardos.tenancy.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Gives each request an id ({@code Request-Id} header, {@code request_id} in problems) and logs one
 * line per request: method, route, status, duration and key id (answered network authorization
 * requests only when {@code cardos.requests.network} is at {@code INFO}). It logs no headers, no
 * query string, no body and no raw path, so neither an {@code Authorization} secret nor a card
 * number can reach the log.
 */
@Component
@Order(FilterOrder.REQUEST_LOG)
class RequestLog extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger("cardos.requests");

  /**
   * Authorization requests from the card network that were answered (2xx): their journal is the
   * authorizations table (each message's network transaction id, decision, reason, latency and the
   * key that sent it), and at a card network's rate a line each (86 million a day at 1,000/s) is
   * noise that cost 6 % of CardOS's CPU under load. Off by default ({@code
   * logging.level.cardos.requests.network: WARN}); set it to {@code INFO} to see them. A refused
   * one (4xx, 5xx) is always logged, and so is every other network message (clearings, refunds,
   * reversals), as every other request.
   */
  private static final Logger networkLog = LoggerFactory.getLogger("cardos.requests.network");

  private static final String NETWORK_AUTHORIZATIONS = "/v1/network/authorizations";

  private static final java.util.regex.Pattern LONG_DIGIT_RUNS =
      java.util.regex.Pattern.compile("\\d{12,}");

  private final Ids ids;

  RequestLog(Ids ids) {
    this.ids = ids;
  }

  /**
   * The matched route ({@code /v1/cardholders/{id}}) rather than the path, so that whatever a
   * client puts in a path (even a card number by mistake) never reaches the log; an unmatched path
   * is logged with every run of 12 or more digits masked.
   */
  private static String route(HttpServletRequest request) {
    Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    return pattern != null
        ? pattern.toString()
        : LONG_DIGIT_RUNS.matcher(request.getRequestURI()).replaceAll("<digits>");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String requestId = ids.next("req_");
    request.setAttribute(ProblemResponses.REQUEST_ID_ATTRIBUTE, requestId);
    response.setHeader("Request-Id", requestId);
    long startNanos = System.nanoTime();
    MDC.put("request_id", requestId);
    try {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException e) {
      // A failure outside any handler (a filter, the container): answer with a problem that
      // names nothing internal, and keep the detail in the log under the request id.
      boolean outage = DatabaseOutages.causedOutage(e);
      if (outage) {
        log.warn("Database unreachable in request {}: {}", requestId, e.getClass().getName());
      } else {
        log.error("Unhandled failure in request {}", requestId, e);
      }
      if (response.isCommitted()) {
        throw e;
      }
      response.reset();
      response.setHeader("Request-Id", requestId);
      if (outage) {
        response.setHeader("Retry-After", Integer.toString(DatabaseOutages.RETRY_AFTER_SECONDS));
        ProblemResponses.write(
            new Problem(
                ProblemCode.SERVICE_UNAVAILABLE,
                "The database cannot be reached; nothing was committed, retry shortly"),
            request,
            response);
        return;
      }
      ProblemResponses.write(
          new Problem(
              ProblemCode.INTERNAL_ERROR,
              "Something went wrong on our side; quote the request id to support"),
          request,
          response);
    } finally {
      long durationMs = (System.nanoTime() - startNanos) / 1_000_000;
      Logger to =
          response.getStatus() < 400 && request.getRequestURI().equals(NETWORK_AUTHORIZATIONS)
              ? networkLog
              : log;
      if (to.isInfoEnabled()) {
        to.info(
            "{} {} {} {}ms key={} request_id={}",
            request.getMethod(),
            route(request),
            response.getStatus(),
            durationMs,
            Caller.of(request).map(Caller::keyId).orElse("-"),
            requestId);
      }
      MDC.remove("request_id");
    }
  }
}
