package dev.cardos.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What must hold after every scenario, read from CardOS's own books and database: the ledger
 * verifies; the holds the tenant's cards carry are exactly what the network was told was approved;
 * no network transaction id was approved twice; no account is below its overdraft limit.
 */
final class Invariants {

  private Invariants() {}

  /**
   * Approved and unanswered are the client's running totals for the tenant over the whole run.
   * Returns the violations (empty when everything holds) and what was checked.
   */
  static List<String> check(
      Cluster cluster,
      Api api,
      String tenantId,
      long approvedCount,
      long approvedAmount,
      long unansweredCount,
      long unansweredAmount,
      List<String> checked)
      throws SQLException {
    List<String> violations = new ArrayList<>();
    JsonNode books =
        api.expect(200, api.get("/v1/admin/ledger/verify", cluster.operatorKey), "ledger verify");
    checked.add("ledger verify: " + books.get("entries").asLong() + " entries");
    if (!books.get("ok").asBoolean()) {
      violations.add("ledger verify failed: " + books.get("violations"));
    }
    if (cluster.dbUrl == null) {
      checked.add("database checks skipped: no --db-url");
      return violations;
    }
    try (Connection c = cluster.connect()) {
      long held =
          single(
              c,
              "SELECT coalesce(sum(amount), 0) FROM holds WHERE tenant_id = ? AND status = 'active'",
              tenantId);
      long approvedRows =
          single(
              c, "SELECT count(*) FROM authorizations WHERE tenant_id = ? AND approved", tenantId);
      long twice =
          single(
              c,
              "SELECT count(*) FROM (SELECT network_transaction_id FROM authorizations"
                  + " WHERE tenant_id = ? AND approved GROUP BY 1 HAVING count(*) > 1) d",
              tenantId);
      long overdrawn =
          single(
              c,
              "SELECT count(*) FROM accounts WHERE tenant_id = ?"
                  + " AND NOT allow_negative AND ledger_balance - held_balance < -overdraft_limit",
              tenantId);
      checked.add(
          "holds "
              + held
              + " = approved "
              + approvedAmount
              + (unansweredCount > 0 ? " (+ up to " + unansweredAmount + " unanswered)" : ""));
      if (held < approvedAmount || held > approvedAmount + unansweredAmount) {
        violations.add(
            "active holds sum to "
                + held
                + " but the network was told "
                + approvedAmount
                + " was approved ("
                + unansweredCount
                + " unanswered)");
      }
      checked.add("approved rows " + approvedRows + " = approvals seen " + approvedCount);
      if (approvedRows < approvedCount || approvedRows > approvedCount + unansweredCount) {
        violations.add(
            approvedRows
                + " approved authorizations stored but the network saw "
                + approvedCount
                + " approvals");
      }
      if (twice > 0) {
        violations.add(twice + " network transaction ids approved more than once");
      }
      if (overdrawn > 0) {
        violations.add(overdrawn + " accounts below their overdraft limit");
      }
      checked.add("no id approved twice, no account overdrawn");
    }
    return violations;
  }

  private static long single(Connection c, String sql, String tenantId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, tenantId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
