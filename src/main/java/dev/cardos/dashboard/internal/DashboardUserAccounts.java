package dev.cardos.dashboard.internal;

import dev.cardos.shared.Ids;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Tenants;
import java.time.Clock;
import java.util.Locale;
import org.springframework.stereotype.Service;

/**
 * Creates dashboard users, for the operator ({@code /v1/admin}) and for a tenant's admins (the
 * dashboard's users page): the same rules either way. Passwords are hashed with Argon2id at once
 * and never stored, logged or shown.
 */
@Service
class DashboardUserAccounts {

  static final int PASSWORD_LENGTH_MIN = 12;
  static final int PASSWORD_LENGTH_MAX = 200;

  private final DashboardUsers users;
  private final Tenants tenants;
  private final Argon2id argon2;
  private final Ids ids;
  private final Clock clock;

  DashboardUserAccounts(
      DashboardUsers users, Tenants tenants, Argon2id argon2, Ids ids, Clock clock) {
    this.users = users;
    this.tenants = tenants;
    this.argon2 = argon2;
    this.ids = ids;
    this.clock = clock;
  }

  /** Checks a new password's length, naming {@code field}; the only rule, as NIST 800-63B asks. */
  static void requireValidPassword(String password, String field) {
    if (password == null
        || password.length() < PASSWORD_LENGTH_MIN
        || password.length() > PASSWORD_LENGTH_MAX) {
      throw Problem.invalidField(
          field, "must be " + PASSWORD_LENGTH_MIN + " to " + PASSWORD_LENGTH_MAX + " characters");
    }
  }

  /** Call inside the caller's transaction; a 400 names the field at fault, a 409 a taken email. */
  DashboardUser create(
      String tenantId, String email, String name, String role, String password, String createdBy) {
    if (!tenants.exists(tenantId)) {
      throw Problem.notFound("tenant", tenantId);
    }
    String mail = email == null ? "" : email.strip();
    if (mail.length() > 254 || !mail.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
      throw Problem.invalidField("email", "must be an email address");
    }
    String who = name == null ? "" : name.strip();
    if (who.isEmpty() || who.length() > 200) {
      throw Problem.invalidField("name", "must be 1 to 200 characters");
    }
    Role r;
    try {
      r = Role.fromWire(role == null ? "" : role.strip().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField("role", "must be admin, finance, support or viewer");
    }
    requireValidPassword(password, "password");
    if (users.emailTaken(mail)) {
      throw new Problem(
          ProblemCode.REFERENCE_TAKEN,
          "A dashboard user already signs in with this email",
          java.util.List.of(new Problem.FieldError("email", "is taken")));
    }
    DashboardUser user =
        new DashboardUser(
            ids.next("dbu_"), tenantId, mail, who, r, false, 0, null, null, Timestamps.now(clock));
    users.insert(user, argon2.hash(password), createdBy);
    return user;
  }
}
