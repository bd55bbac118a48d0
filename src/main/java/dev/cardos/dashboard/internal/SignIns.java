package dev.cardos.dashboard.internal;

import dev.cardos.keys.Keys;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Checks a sign-in: email, password (Argon2id) and, when the user has one, a TOTP code. After
 * {@link DashboardProperties#failedSignInsMax} failures in a row the user is locked out for {@link
 * DashboardProperties#lockout}, during which even the right password is refused. Every attempt is
 * recorded; an unknown email costs the same hashing time as a known one.
 */
@Service
class SignIns {

  /** Verified against when the email is unknown, so its answer takes as long as a known one's. */
  private final String decoyHash;

  private final DashboardUsers users;
  private final DashboardSessions sessions;
  private final Argon2id argon2;
  private final Keys keys;
  private final Ids ids;
  private final Clock clock;
  private final DashboardProperties properties;

  SignIns(
      DashboardUsers users,
      DashboardSessions sessions,
      Argon2id argon2,
      Keys keys,
      Ids ids,
      Clock clock,
      DashboardProperties properties) {
    this.users = users;
    this.sessions = sessions;
    this.argon2 = argon2;
    this.keys = keys;
    this.ids = ids;
    this.clock = clock;
    this.properties = properties;
    this.decoyHash = argon2.hash("decoy password for unknown emails");
  }

  /** What became of a sign-in attempt. */
  sealed interface Outcome {
    record Succeeded(DashboardUser user, String sessionToken) implements Outcome {
      @Override
      public String toString() {
        return "Succeeded[" + user.id() + "]";
      }
    }

    record Refused() implements Outcome {}

    record Locked(Instant until) implements Outcome {}
  }

  @Transactional
  Outcome signIn(String email, String password, String code, String sourceIp) {
    Instant now = Timestamps.now(clock);
    Optional<DashboardUsers.Credentials> found =
        email == null || email.isBlank() ? Optional.empty() : users.lockByEmail(email.strip());
    if (found.isEmpty()) {
      argon2.matches(password == null ? "" : password, decoyHash);
      users.recordAttempt(ids.next("dsa_"), null, "unknown_user", sourceIp, now);
      return new Outcome.Refused();
    }
    DashboardUser user = found.get().user();
    if (user.disabled()) {
      argon2.matches(password == null ? "" : password, decoyHash);
      users.recordAttempt(ids.next("dsa_"), user.id(), "disabled", sourceIp, now);
      return new Outcome.Refused();
    }
    if (user.lockedAt(now)) {
      users.recordAttempt(ids.next("dsa_"), user.id(), "locked", sourceIp, now);
      return new Outcome.Locked(user.lockedUntil());
    }
    String failure = null;
    if (password == null || !argon2.matches(password, found.get().passwordHash())) {
      failure = "wrong_password";
    } else if (found.get().totpKeyId() != null
        && !Totp.verify(totpSecret(found.get().totpKeyId()), code, now)) {
      failure = "wrong_code";
    }
    users.recordAttempt(ids.next("dsa_"), user.id(), failure, sourceIp, now);
    if (failure != null) {
      int failed = user.failedAttempts() + 1;
      if (failed >= properties.failedSignInsMax()) {
        Instant until = now.plus(properties.lockout());
        users.failed(user.id(), 0, until, now);
        return new Outcome.Locked(until);
      }
      users.failed(user.id(), failed, null, now);
      return new Outcome.Refused();
    }
    users.succeeded(user.id(), now);
    return new Outcome.Succeeded(user, sessions.start(user.id()));
  }

  /** The TOTP secret: the first 20 bytes (160 bits, RFC 4226's recommendation) of its key. */
  byte[] totpSecret(String keyId) {
    return Arrays.copyOf(keys.material(keyId), TOTP_SECRET_BYTES);
  }

  static final int TOTP_SECRET_BYTES = 20;
}
