package dev.cardos.shared;

/** The order of CardOS servlet filters on every request, lowest first. */
public final class FilterOrder {

  /** Assigns the request id and logs the request without headers or bodies. */
  public static final int REQUEST_LOG = -100;

  /**
   * Answers 400 to a path not sent plainly (path parameters, percent-encoding, dot segments), so
   * that every later filter sees the path the router matches.
   */
  public static final int PLAIN_PATH = -50;

  /** Guards {@code /dashboard}: its session, CSRF token and security headers. */
  public static final int DASHBOARD_GATE = -40;

  /** Resolves the API key into a caller or answers 401. */
  public static final int AUTHENTICATION = 0;

  /** Spends a token from the key's bucket or answers 429. */
  public static final int RATE_LIMIT = 10;

  /** Wraps a write in one transaction with its idempotency record and audit entry. */
  public static final int WRITE_TRANSACTION = 20;

  private FilterOrder() {}
}
