package dev.cardos.dashboard.internal;

import dev.cardos.shared.Ids;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Gives every dashboard page the signed-in user ({@code me}), and turns a refused action into an
 * HTML page with the reason and the fields at fault, never a stack trace or a JSON problem. It is
 * ordered before the API's problem handler and applies to dashboard controllers only.
 */
@ControllerAdvice(assignableTypes = DashboardPage.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class DashboardAdvice {

  private static final Logger log = LoggerFactory.getLogger(DashboardAdvice.class);

  private final DashboardAudit audit;
  private final TransactionTemplate transactions;

  DashboardAdvice(DashboardAudit audit, TransactionTemplate transactions) {
    this.audit = audit;
    this.transactions = transactions;
  }

  @ModelAttribute
  void signedIn(HttpServletRequest request, Model model) {
    Object who = request.getAttribute(SignedIn.ATTRIBUTE);
    if (who != null) {
      model.addAttribute("me", who);
    }
  }

  @ExceptionHandler(Problem.class)
  String problem(
      Problem problem, HttpServletRequest request, HttpServletResponse response, Model model) {
    return page(problem, request, response, model);
  }

  @ExceptionHandler({
    MissingServletRequestParameterException.class,
    MethodArgumentTypeMismatchException.class
  })
  String badParameter(
      Exception e, HttpServletRequest request, HttpServletResponse response, Model model) {
    return page(
        new Problem(ProblemCode.INVALID_PARAMETER, "A form field is missing or has the wrong type"),
        request,
        response,
        model);
  }

  @ExceptionHandler(Exception.class)
  String unexpected(
      Exception e, HttpServletRequest request, HttpServletResponse response, Model model) {
    log.error("Dashboard request failed: {} {}", request.getMethod(), request.getRequestURI(), e);
    return page(
        new Problem(
            ProblemCode.INTERNAL_ERROR, "Something went wrong on our side; nothing was changed."),
        request,
        response,
        model);
  }

  private String page(
      Problem problem, HttpServletRequest request, HttpServletResponse response, Model model) {
    signedInModel(request, model);
    auditRefusal(problem, request);
    response.setStatus(problem.code().status());
    model.addAttribute("status", problem.code().status());
    model.addAttribute("title", problem.code().title());
    model.addAttribute("detail", problem.detail());
    model.addAttribute("fieldErrors", problem.fieldErrors());
    return "dashboard/error";
  }

  /**
   * A refused action is audited too, as the API audits a refused write: in a transaction of its
   * own, since the action's rolled back. Page views (GET) are not actions and are not audited.
   */
  private void auditRefusal(Problem problem, HttpServletRequest request) {
    Object who = request.getAttribute(SignedIn.ATTRIBUTE);
    if (!(who instanceof SignedIn signedIn) || "GET".equals(request.getMethod())) {
      return;
    }
    String pattern = (String) request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    @SuppressWarnings("unchecked")
    Map<String, String> variables =
        (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    String id = variables == null ? null : variables.get("id");
    transactions.executeWithoutResult(
        s ->
            audit.record(
                signedIn,
                "refused " + request.getMethod() + " " + (pattern != null ? pattern : "(unknown)"),
                Ids.looksLikeId(id) ? id : null,
                problem.code().status(),
                request));
  }

  private static void signedInModel(HttpServletRequest request, Model model) {
    Object who = request.getAttribute(SignedIn.ATTRIBUTE);
    if (who != null) {
      model.addAttribute("me", who);
    }
  }
}
