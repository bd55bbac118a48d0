package dev.cardos.dashboard.internal;

import dev.cardos.keys.KeyPurpose;
import dev.cardos.keys.Keys;
import dev.cardos.shared.Problem;
import dev.cardos.shared.Timestamps;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The tenant's dashboard users (admins create them) and the signed-in user's own account: setting
 * up a TOTP second factor, which takes effect only once a code from the new secret is given.
 */
@Controller
class UserPages implements DashboardPage {

  private final DashboardUsers users;
  private final DashboardUserAccounts accounts;
  private final DashboardSessions sessions;
  private final SignIns signIns;
  private final Keys keys;
  private final Argon2id argon2;
  private final DashboardAudit audit;
  private final TransactionTemplate transactions;
  private final Clock clock;

  UserPages(
      DashboardUsers users,
      DashboardUserAccounts accounts,
      DashboardSessions sessions,
      SignIns signIns,
      Keys keys,
      Argon2id argon2,
      DashboardAudit audit,
      TransactionTemplate transactions,
      Clock clock) {
    this.users = users;
    this.accounts = accounts;
    this.sessions = sessions;
    this.signIns = signIns;
    this.keys = keys;
    this.argon2 = argon2;
    this.audit = audit;
    this.transactions = transactions;
    this.clock = clock;
  }

  @GetMapping("/dashboard/users")
  String list(
      @RequestParam(required = false) String notice, HttpServletRequest request, Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.MANAGE_USERS);
    model.addAttribute("users", users.list(me.user().tenantId()));
    model.addAttribute("roles", List.of("viewer", "support", "finance", "admin"));
    model.addAttribute(
        "notice",
        "created".equals(notice)
            ? "User created."
            : "disabled".equals(notice) ? "User disabled: their sessions have ended." : null);
    return "dashboard/users";
  }

  @PostMapping("/dashboard/users")
  String create(
      @RequestParam(required = false) String email,
      @RequestParam(required = false) String name,
      @RequestParam(required = false) String role,
      @RequestParam(required = false) String password,
      HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.MANAGE_USERS);
    transactions.executeWithoutResult(
        s -> {
          DashboardUser created =
              accounts.create(me.user().tenantId(), email, name, role, password, me.user().id());
          audit.record(me, "create dashboard user", created.id(), 201, request);
        });
    return "redirect:/dashboard/users?notice=created";
  }

  @GetMapping("/dashboard/users/{id}/confirm-disable")
  String confirmDisable(@PathVariable String id, HttpServletRequest request, Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.MANAGE_USERS);
    model.addAttribute("user", disableable(me, id));
    return "dashboard/confirm-disable-user";
  }

  @PostMapping("/dashboard/users/{id}/disable")
  String disable(@PathVariable String id, HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.MANAGE_USERS);
    transactions.executeWithoutResult(
        s -> {
          users.disable(disableable(me, id).id(), Timestamps.now(clock));
          audit.record(me, "disable dashboard user", id, 200, request);
        });
    return "redirect:/dashboard/users?notice=disabled";
  }

  /** A user of the admin's own tenant, not the admin themself (who could lock everyone out). */
  private DashboardUser disableable(SignedIn me, String id) {
    DashboardUser user =
        users
            .find(me.user().tenantId(), id)
            .orElseThrow(() -> Problem.notFound("dashboard user", id));
    if (user.id().equals(me.user().id())) {
      throw Problem.invalidField("id", "you cannot disable yourself");
    }
    return user;
  }

  @GetMapping("/dashboard/account")
  String account(
      @RequestParam(required = false) String notice, HttpServletRequest request, Model model) {
    SignedIn me = SignedIn.of(request);
    model.addAttribute("totpEnabled", me.user().totpEnabled());
    model.addAttribute(
        "notice",
        "totp".equals(notice)
            ? "Two-step sign-in is on."
            : "password".equals(notice)
                ? "Password changed; your other sessions have ended."
                : null);
    return "dashboard/account";
  }

  /**
   * Changes the signed-in user's password after checking the current one; every other session of
   * theirs ends, so a stolen session does not outlive the change.
   */
  @PostMapping("/dashboard/account/password")
  String changePassword(
      @RequestParam(name = "current_password", required = false) String current,
      @RequestParam(name = "new_password", required = false) String next,
      HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    DashboardUserAccounts.requireValidPassword(next, "new_password");
    transactions.executeWithoutResult(
        s -> {
          String stored = users.passwordHash(me.user().id()).orElseThrow();
          if (current == null || !argon2.matches(current, stored)) {
            throw Problem.invalidField("current_password", "is not your current password");
          }
          users.setPasswordHash(me.user().id(), argon2.hash(next), Timestamps.now(clock));
          sessions.endOthers(me.user().id(), me.session().id());
          audit.record(me, "change password", me.user().id(), 200, request);
        });
    return "redirect:/dashboard/account?notice=password";
  }

  @PostMapping("/dashboard/account/totp")
  String startTotp(HttpServletRequest request, Model model) {
    SignedIn me = SignedIn.of(request);
    String keyId =
        transactions.execute(
            s -> {
              String id = keys.generate(KeyPurpose.WEBHOOK_SECRET);
              sessions.pendingTotp(me.session().id(), id);
              return id;
            });
    String secret = Totp.base32(signIns.totpSecret(keyId));
    model.addAttribute("secret", secret.replaceAll("(.{4})", "$1 ").strip());
    model.addAttribute(
        "uri",
        "otpauth://totp/CardOS:"
            + URLEncoder.encode(me.user().email(), StandardCharsets.UTF_8)
            + "?secret="
            + secret
            + "&issuer=CardOS&algorithm=SHA1&digits=6&period=30");
    return "dashboard/totp";
  }

  @PostMapping("/dashboard/account/totp/confirm")
  String confirmTotp(@RequestParam(required = false) String code, HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    String pending = me.session().pendingTotpKeyId();
    if (pending == null) {
      throw Problem.invalidField("code", "start the set-up again: no secret is waiting");
    }
    if (!Totp.verify(
        signIns.totpSecret(pending), code == null ? null : code.strip(), clock.instant())) {
      throw Problem.invalidField("code", "is not the current code of the new secret");
    }
    transactions.executeWithoutResult(
        s -> {
          users.setTotpKey(me.user().id(), pending, Timestamps.now(clock));
          sessions.pendingTotp(me.session().id(), null);
          audit.record(me, "turn on two-step sign-in", me.user().id(), 200, request);
        });
    return "redirect:/dashboard/account?notice=totp";
  }
}
