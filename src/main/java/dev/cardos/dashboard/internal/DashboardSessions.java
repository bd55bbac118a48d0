package dev.cardos.dashboard.internal;

import dev.cardos.shared.Ids;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Mode;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Dashboard sessions: the browser holds a random 256-bit token in an {@code HttpOnly} cookie; the
 * database holds only its SHA-256, so a copy of the table signs nobody in. A session ends when
 * signed out, after {@link DashboardProperties#sessionIdle} unused or {@link
 * DashboardProperties#sessionMax} after sign-in. The CSRF token is derived from the session token
 * (an HMAC of it), so it is bound to the session and needs no storage.
 */
@Repository
class DashboardSessions {

  private static final int TOKEN_BYTES = 32;
  private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;
  private final DashboardProperties properties;
  private final SecureRandom random = new SecureRandom();

  DashboardSessions(JdbcClient jdbc, Ids ids, Clock clock, DashboardProperties properties) {
    this.jdbc = jdbc;
    this.ids = ids;
    this.clock = clock;
    this.properties = properties;
  }

  /** A live session: whose it is and which mode's data it shows. */
  public record Session(String id, String userId, Mode mode, String pendingTotpKeyId) {}

  /** Starts a session in test mode and returns the token for the cookie. */
  String start(String userId) {
    byte[] raw = new byte[TOKEN_BYTES];
    random.nextBytes(raw);
    String token = B64.encodeToString(raw);
    Instant now = Timestamps.now(clock);
    jdbc.sql(
            """
            INSERT INTO dashboard_sessions (id, user_id, token_hash, mode, created_at,
                last_seen_at, expires_at)
            VALUES (:id, :user, :hash, 'test', :now, :now, :expires)
            """)
        .param("id", ids.next("dss_"))
        .param("user", userId)
        .param("hash", sha256(token))
        .param("now", Timestamps.sql(now))
        .param("expires", Timestamps.sql(now.plus(properties.sessionMax())))
        .update();
    return token;
  }

  /** The session behind a cookie's token, if it has not ended; marks it used. */
  Optional<Session> resolve(String token) {
    if (token == null || token.length() > 100) {
      return Optional.empty();
    }
    Instant now = Timestamps.now(clock);
    Optional<Row> row =
        jdbc.sql(
                """
                SELECT id, user_id, mode, pending_totp_key_id, last_seen_at FROM dashboard_sessions
                WHERE token_hash = :hash AND ended_at IS NULL AND expires_at > :now
                  AND last_seen_at > :idle
                """)
            .param("hash", sha256(token))
            .param("now", Timestamps.sql(now))
            .param("idle", Timestamps.sql(now.minus(properties.sessionIdle())))
            .query(
                (rs, n) ->
                    new Row(
                        new Session(
                            rs.getString("id"),
                            rs.getString("user_id"),
                            Mode.fromWire(rs.getString("mode")),
                            rs.getString("pending_totp_key_id")),
                        Timestamps.instant(rs.getTimestamp("last_seen_at"))))
            .optional();
    row.filter(r -> r.lastSeenAt().plus(TOUCH_INTERVAL).isBefore(now))
        .ifPresent(
            r ->
                jdbc.sql("UPDATE dashboard_sessions SET last_seen_at = :now WHERE id = :id")
                    .param("now", Timestamps.sql(now))
                    .param("id", r.session().id())
                    .update());
    return row.map(Row::session);
  }

  private record Row(Session session, Instant lastSeenAt) {}

  void end(String sessionId) {
    jdbc.sql("UPDATE dashboard_sessions SET ended_at = :now WHERE id = :id AND ended_at IS NULL")
        .param("now", Timestamps.sql(Timestamps.now(clock)))
        .param("id", sessionId)
        .update();
  }

  /** Ends every other session of the user (after a password change). */
  void endOthers(String userId, String keepSessionId) {
    jdbc.sql(
            """
            UPDATE dashboard_sessions SET ended_at = :now
            WHERE user_id = :user AND id <> :keep AND ended_at IS NULL
            """)
        .param("now", Timestamps.sql(Timestamps.now(clock)))
        .param("user", userId)
        .param("keep", keepSessionId)
        .update();
  }

  void switchMode(String sessionId, Mode mode) {
    jdbc.sql("UPDATE dashboard_sessions SET mode = :mode WHERE id = :id")
        .param("mode", mode.wire())
        .param("id", sessionId)
        .update();
  }

  void pendingTotp(String sessionId, String keyId) {
    jdbc.sql("UPDATE dashboard_sessions SET pending_totp_key_id = :k WHERE id = :id")
        .param("k", keyId)
        .param("id", sessionId)
        .update();
  }

  /** The CSRF token forms of this session must carry: HMAC-SHA256 of the session token. */
  static String csrfToken(String sessionToken) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(sessionToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return B64.encodeToString(
          mac.doFinal("cardos dashboard csrf".getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  static boolean sameToken(String expected, String given) {
    return given != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
