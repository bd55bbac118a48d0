package dev.cardos.ledger.internal;

import dev.cardos.ledger.VerificationReport;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The proof that the books balance, for the whole database: every posting sums to zero per
 * currency, every stored ledger balance equals the sum of its entries, every held balance equals
 * the sum of its active holds, no account is below its allowed available balance, and every entry
 * is in its account's currency. Run it in one repeatable-read transaction so that all checks see
 * one snapshot.
 */
public final class Books {

  private Books() {}

  public static VerificationReport verify(JdbcClient jdbc) {
    List<String> violations = new ArrayList<>();
    jdbc.sql(
            """
            SELECT posting_id, currency, sum(amount) AS total FROM entries
            GROUP BY posting_id, currency HAVING sum(amount) <> 0
            """)
        .query(
            (rs, row) ->
                "posting %s does not balance in %s: entries sum to %d"
                    .formatted(rs.getString(1), rs.getString(2), rs.getLong(3)))
        .list()
        .forEach(violations::add);
    jdbc.sql(
            """
            SELECT a.id, a.ledger_balance, coalesce(e.total, 0) FROM accounts a
            LEFT JOIN (SELECT account_id, sum(amount) AS total FROM entries GROUP BY account_id) e
                   ON e.account_id = a.id
            WHERE a.ledger_balance <> coalesce(e.total, 0)
            """)
        .query(
            (rs, row) ->
                "account %s has ledger balance %d but its entries sum to %d"
                    .formatted(rs.getString(1), rs.getLong(2), rs.getLong(3)))
        .list()
        .forEach(violations::add);
    jdbc.sql(
            """
            SELECT a.id, a.held_balance, coalesce(h.total, 0) FROM accounts a
            LEFT JOIN (SELECT account_id, sum(amount) AS total FROM holds
                       WHERE status = 'active' GROUP BY account_id) h ON h.account_id = a.id
            WHERE a.held_balance <> coalesce(h.total, 0)
            """)
        .query(
            (rs, row) ->
                "account %s has held balance %d but its active holds sum to %d"
                    .formatted(rs.getString(1), rs.getLong(2), rs.getLong(3)))
        .list()
        .forEach(violations::add);
    jdbc.sql(
            """
            SELECT id, ledger_balance - held_balance FROM accounts
            WHERE NOT allow_negative AND ledger_balance - held_balance < -overdraft_limit
            """)
        .query(
            (rs, row) ->
                "account %s has negative available balance %d"
                    .formatted(rs.getString(1), rs.getLong(2)))
        .list()
        .forEach(violations::add);
    jdbc.sql(
            """
            SELECT e.id, e.currency, a.currency FROM entries e JOIN accounts a ON a.id = e.account_id
            WHERE e.currency <> a.currency
            """)
        .query(
            (rs, row) ->
                "entry %s is in %s but its account is in %s"
                    .formatted(rs.getString(1), rs.getString(2), rs.getString(3)))
        .list()
        .forEach(violations::add);
    return new VerificationReport(
        count(jdbc, "SELECT count(*) FROM accounts"),
        count(jdbc, "SELECT count(*) FROM postings"),
        count(jdbc, "SELECT count(*) FROM entries"),
        count(jdbc, "SELECT count(*) FROM holds WHERE status = 'active'"),
        violations);
  }

  private static long count(JdbcClient jdbc, String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }
}
