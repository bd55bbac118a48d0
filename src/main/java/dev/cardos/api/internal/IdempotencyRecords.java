package dev.cardos.api.internal;

import dev.cardos.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The idempotency_keys table: for each (caller scope, key) the hash of the first request and the
 * answer it got. A claim is an insert inside the write's own transaction, so a second request with
 * the same key blocks on the unique index until the first commits (then replays its answer) or
 * rolls back (then runs itself).
 */
@Repository
class IdempotencyRecords {

  private final JdbcClient jdbc;
  private final Clock clock;

  IdempotencyRecords(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** The stored answer to replay. */
  record StoredResponse(byte[] requestHash, int status, String contentType, byte[] body) {}

  /**
   * Claims the key for this request. Returns empty when the claim is ours; otherwise the earlier
   * request's record.
   */
  Optional<StoredResponse> claim(String scope, String key, byte[] requestHash) {
    int inserted =
        jdbc.sql(
                """
                INSERT INTO idempotency_keys (scope, key, request_hash, created_at)
                VALUES (:scope, :key, :hash, :at)
                ON CONFLICT (scope, key) DO NOTHING
                """)
            .param("scope", scope)
            .param("key", key)
            .param("hash", requestHash)
            .param("at", Timestamps.sql(Timestamps.now(clock)))
            .update();
    if (inserted == 1) {
      return Optional.empty();
    }
    return Optional.of(
        jdbc.sql(
                """
                SELECT request_hash, response_status, response_content_type, response_body
                FROM idempotency_keys WHERE scope = :scope AND key = :key
                """)
            .param("scope", scope)
            .param("key", key)
            .query(
                (rs, row) ->
                    new StoredResponse(
                        rs.getBytes("request_hash"),
                        rs.getInt("response_status"),
                        rs.getString("response_content_type"),
                        rs.getBytes("response_body")))
            .single());
  }

  void complete(String scope, String key, int status, String contentType, byte[] body) {
    jdbc.sql(
            """
            UPDATE idempotency_keys
            SET response_status = :status, response_content_type = :type, response_body = :body
            WHERE scope = :scope AND key = :key
            """)
        .param("status", status)
        .param("type", contentType)
        .param("body", body)
        .param("scope", scope)
        .param("key", key)
        .update();
  }

  /** Deletes records older than the retention; returns how many. */
  int purgeOlderThan(Duration retention) {
    Instant cutoff = Timestamps.now(clock).minus(retention);
    return jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
        .param("cutoff", Timestamps.sql(cutoff))
        .update();
  }
}
