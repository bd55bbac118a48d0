package dev.cardos.dashboard.internal;

import dev.cardos.tenancy.Mode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Signing in and out, and the switch between test and live data. */
@Controller
class SignInController implements DashboardPage {

  private static final Duration LOGIN_FORM_MAX_AGE = Duration.ofHours(1);

  private final SignIns signIns;
  private final DashboardSessions sessions;
  private final DashboardGate gate;
  private final DashboardAudit audit;
  private final DashboardProperties properties;
  private final TransactionTemplate transactions;
  private final Formats formats;
  private final SecureRandom random = new SecureRandom();

  SignInController(
      SignIns signIns,
      DashboardSessions sessions,
      DashboardGate gate,
      DashboardAudit audit,
      DashboardProperties properties,
      TransactionTemplate transactions,
      Formats formats) {
    this.signIns = signIns;
    this.sessions = sessions;
    this.gate = gate;
    this.audit = audit;
    this.properties = properties;
    this.transactions = transactions;
    this.formats = formats;
  }

  @GetMapping(DashboardGate.LOGIN_PATH)
  String form(HttpServletRequest request, HttpServletResponse response, Model model) {
    return loginPage(request, response, model, null, HttpServletResponse.SC_OK);
  }

  @PostMapping(DashboardGate.LOGIN_PATH)
  String signIn(
      @RequestParam(required = false) String email,
      @RequestParam(required = false) String password,
      @RequestParam(required = false) String code,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    SignIns.Outcome outcome =
        signIns.signIn(
            email, password, code == null ? null : code.strip(), request.getRemoteAddr());
    return switch (outcome) {
      case SignIns.Outcome.Succeeded ok -> {
        transactions.executeWithoutResult(
            s ->
                audit.record(
                    ok.user().id(),
                    ok.user().tenantId(),
                    Mode.TEST,
                    "sign in",
                    ok.user().id(),
                    200,
                    request));
        response.addHeader(
            HttpHeaders.SET_COOKIE,
            gate.cookieFor(
                    request,
                    DashboardGate.SESSION_COOKIE,
                    ok.sessionToken(),
                    properties.sessionMax(),
                    false)
                .toString());
        response.addHeader(
            HttpHeaders.SET_COOKIE,
            gate.cookieFor(request, DashboardGate.LOGIN_CSRF_COOKIE, "", Duration.ZERO, false)
                .toString());
        yield "redirect:/dashboard";
      }
      case SignIns.Outcome.Refused refused ->
          loginPage(
              request,
              response,
              model,
              "The email, password or authenticator code is wrong.",
              HttpServletResponse.SC_UNAUTHORIZED);
      case SignIns.Outcome.Locked locked ->
          loginPage(
              request,
              response,
              model,
              "Too many failed sign-ins: this account is locked until "
                  + formats.time(locked.until())
                  + ".",
              423);
    };
  }

  private String loginPage(
      HttpServletRequest request,
      HttpServletResponse response,
      Model model,
      String error,
      int status) {
    byte[] raw = new byte[24];
    random.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    response.addHeader(
        HttpHeaders.SET_COOKIE,
        gate.cookieFor(request, DashboardGate.LOGIN_CSRF_COOKIE, token, LOGIN_FORM_MAX_AGE, false)
            .toString());
    response.setStatus(status);
    model.addAttribute("csrf", token);
    model.addAttribute("error", error);
    return "dashboard/login";
  }

  @PostMapping("/dashboard/logout")
  String signOut(HttpServletRequest request, HttpServletResponse response) {
    SignedIn who = SignedIn.of(request);
    transactions.executeWithoutResult(
        s -> {
          sessions.end(who.session().id());
          audit.record(who, "sign out", who.user().id(), 200, request);
        });
    response.addHeader(
        HttpHeaders.SET_COOKIE,
        gate.cookieFor(request, DashboardGate.SESSION_COOKIE, "", Duration.ZERO, false).toString());
    return "redirect:" + DashboardGate.LOGIN_PATH;
  }

  @PostMapping("/dashboard/mode")
  String switchMode(
      @RequestParam String mode, HttpServletRequest request, HttpServletResponse response) {
    SignedIn who = SignedIn.of(request);
    Mode to = "live".equals(mode) ? Mode.LIVE : Mode.TEST;
    transactions.executeWithoutResult(
        s -> {
          sessions.switchMode(who.session().id(), to);
          audit.record(
              who.user().id(),
              who.user().tenantId(),
              to,
              "switch to " + to.wire() + " data",
              who.user().id(),
              200,
              request);
        });
    if (to == Mode.LIVE) {
      // Live data: the session cookie must never travel over plain HTTP from here on.
      String token = DashboardGate.cookie(request, DashboardGate.SESSION_COOKIE);
      response.addHeader(
          HttpHeaders.SET_COOKIE,
          gate.cookieFor(
                  request, DashboardGate.SESSION_COOKIE, token, properties.sessionMax(), true)
              .toString());
    }
    return "redirect:/dashboard";
  }
}
