package dev.cardos.api.internal;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Recognises a failure that means PostgreSQL cannot be reached (stopped, restarting, the network
 * gone, the pool unable to get a connection) rather than a bug. Such a request is answered {@code
 * 503 service_unavailable} with {@code Retry-After}: the client may retry the same request (with
 * its Idempotency-Key), since nothing was committed.
 */
final class DatabaseOutages {

  /** Seconds a client is asked to wait before retrying while the database is unreachable. */
  static final int RETRY_AFTER_SECONDS = 1;

  private DatabaseOutages() {}

  static boolean causedOutage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DataAccessResourceFailureException
          || t instanceof TransientDataAccessResourceException
          || t instanceof CannotCreateTransactionException
          || t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && connectionLost(sql.getSQLState())) {
        return true;
      }
      // A rollback that fails has lost its connection; the failure that made it roll back (often
      // the server's "terminating connection") is kept as the application exception.
      if (t instanceof TransactionSystemException rollback
          && (rollback.getCause() instanceof SQLException
              || (rollback.getApplicationException() != null
                  && causedOutage(rollback.getApplicationException())))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * SQLSTATE class 08 is a connection exception; 57P01, 57P02 and 57P03 are the server shutting
   * down (administrator, crash) or not yet accepting connections.
   */
  private static boolean connectionLost(String sqlState) {
    return sqlState != null
        && (sqlState.startsWith("08")
            || sqlState.equals("57P01")
            || sqlState.equals("57P02")
            || sqlState.equals("57P03"));
  }
}
