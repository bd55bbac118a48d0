package dev.cardos.ledger;

import dev.cardos.database.ToolDatabase;
import java.io.PrintStream;
import java.sql.Connection;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * {@code cardos ledger verify}: proves the books of a whole database from the command line and
 * prints what it checked. Exit code 0 when the books balance, 1 when any check failed, 2 when the
 * database could not be reached.
 */
public final class LedgerCommand {

  private LedgerCommand() {}

  public static int run(String[] args, Map<String, String> env, PrintStream out) {
    if (args.length < 2 || !"verify".equals(args[1])) {
      out.println("usage: cardos ledger verify");
      return 2;
    }
    try (ToolDatabase database = ToolDatabase.open(env)) {
      Connection connection = database.connection();
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      VerificationReport report;
      try {
        report =
            dev.cardos.ledger.internal.Books.verify(
                JdbcClient.create(new SingleConnectionDataSource(connection, true)));
      } finally {
        connection.rollback();
      }
      out.println("Ledger verification of " + database.description());
      out.printf(
          "  checked %d accounts, %d postings, %d entries, %d active holds%n",
          report.accounts(), report.postings(), report.entries(), report.activeHolds());
      out.println("  every posting sums to zero per currency");
      out.println("  every ledger balance equals the sum of its entries");
      out.println("  every held balance equals the sum of its active holds");
      out.println("  no available balance below zero (or its overdraft limit)");
      out.println("  every entry is in its account's currency");
      if (report.ok()) {
        out.println("OK: the books balance");
        return 0;
      }
      out.println("FAILED: " + report.violations().size() + " violation(s)");
      report.violations().forEach(v -> out.println("  - " + v));
      return 1;
    } catch (Exception e) {
      out.println("cardos ledger verify: " + e.getMessage());
      return 2;
    }
  }
}
