package dev.cardos.funding.internal;

import dev.cardos.events.EventType;
import dev.cardos.events.Outbox;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Ledger;
import dev.cardos.ledger.Leg;
import dev.cardos.ledger.PostingRequest;
import dev.cardos.ledger.PostingResult;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Json;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Moves money between two accounts of one realm in one posting. A cross-currency transfer goes
 * through the FX account at the operator's rate; the markup is FX revenue, and the tenant's
 * transfer fee is charged to the sender; each as entries of their own.
 */
@Service
class Transfers {

  /** A completed transfer as the API shows it. Rates are decimal strings. */
  record Transfer(
      String id,
      boolean livemode,
      String kind,
      String fromAccountId,
      String toAccountId,
      long amount,
      String currency,
      long toAmount,
      String toCurrency,
      String fxMidRate,
      String fxRate,
      Integer fxMarkupBps,
      Long fxMarkupAmount,
      long feeAmount,
      String description,
      Map<String, String> metadata,
      String postingId,
      String status,
      Instant createdAt) {}

  private final Ledger ledger;
  private final FeeSchedules fees;
  private final FxRates fxRates;
  private final Outbox outbox;
  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;

  Transfers(
      Ledger ledger,
      FeeSchedules fees,
      FxRates fxRates,
      Outbox outbox,
      JdbcClient jdbc,
      Ids ids,
      Clock clock) {
    this.ledger = ledger;
    this.fees = fees;
    this.fxRates = fxRates;
    this.outbox = outbox;
    this.jdbc = jdbc;
    this.ids = ids;
    this.clock = clock;
  }

  @Transactional
  Transfer transfer(
      Realm realm,
      String kind,
      Account from,
      Account to,
      long amountMinor,
      String description,
      Map<String, String> metadata) {
    String transferId = ids.next("tr_");
    List<Leg> legs = new ArrayList<>();
    legs.add(Leg.debit(from.id(), amountMinor));
    long toAmount = amountMinor;
    Pricing.Conversion conversion = null;
    Integer markupBps = null;
    if (from.currency().equals(to.currency())) {
      legs.add(Leg.credit(to.id(), amountMinor));
    } else {
      BigDecimal mid =
          fxRates
              .current(from.currency(), to.currency())
              .map(FxRates.FxRate::rate)
              .orElseThrow(
                  () ->
                      new Problem(
                          ProblemCode.FX_RATE_UNAVAILABLE,
                          "No " + from.currency() + "/" + to.currency() + " rate is set"));
      markupBps = fees.fxMarkupBps(realm);
      try {
        conversion = Pricing.convert(amountMinor, from.currency(), to.currency(), mid, markupBps);
      } catch (ArithmeticException overflow) {
        throw Problem.invalidField("amount", "is too large to convert into " + to.currency());
      }
      if (conversion.netMinor() <= 0) {
        throw Problem.invalidField("amount", "is too small to convert into " + to.currency());
      }
      toAmount = conversion.netMinor();
      legs.add(Leg.credit(fx(realm, from.currency()), amountMinor));
      legs.add(Leg.debit(fx(realm, to.currency()), conversion.grossMinor()));
      legs.add(Leg.credit(to.id(), conversion.netMinor()));
      if (conversion.markupMinor() > 0) {
        legs.add(Leg.credit(feeRevenue(realm, to.currency()), conversion.markupMinor()));
      }
    }
    long fee = fees.transferRule(realm, from.currency()).map(r -> r.feeOn(amountMinor)).orElse(0L);
    if (fee > 0) {
      legs.add(Leg.debit(from.id(), fee));
      legs.add(Leg.credit(feeRevenue(realm, from.currency()), fee));
    }
    PostingResult result =
        ledger.post(realm, new PostingRequest("transfer", description, transferId, legs));
    String postingId =
        switch (result) {
          case PostingResult.Posted posted -> posted.postingId();
          case PostingResult.InsufficientFunds refused ->
              throw new Problem(
                  ProblemCode.INSUFFICIENT_FUNDS,
                  "The account "
                      + refused.accountId()
                      + " has "
                      + refused.availableMinor()
                      + " available but the transfer and its fees need "
                      + refused.requiredMinor());
        };
    Transfer transfer =
        new Transfer(
            transferId,
            realm.live(),
            kind,
            from.id(),
            to.id(),
            amountMinor,
            from.currency(),
            toAmount,
            to.currency(),
            conversion == null ? null : conversion.midRate().toPlainString(),
            conversion == null ? null : conversion.effectiveRate().toPlainString(),
            markupBps,
            conversion == null ? null : conversion.markupMinor(),
            fee,
            description,
            metadata,
            postingId,
            "completed",
            Timestamps.now(clock));
    insert(realm, transfer);
    outbox.append(realm, EventType.TRANSFER_COMPLETED, transferId, transfer);
    if (from.kind() == AccountKind.WALLET) {
      outbox.append(realm, EventType.WALLET_DEBITED, from.id(), transfer);
    }
    if (to.kind() == AccountKind.WALLET) {
      outbox.append(realm, EventType.WALLET_CREDITED, to.id(), transfer);
    }
    return transfer;
  }

  private String fx(Realm realm, String currency) {
    return ledger.systemAccount(realm, AccountKind.FX, currency).id();
  }

  private String feeRevenue(Realm realm, String currency) {
    return ledger.systemAccount(realm, AccountKind.FEE_REVENUE, currency).id();
  }

  Optional<Transfer> find(Realm realm, String id) {
    return jdbc.sql(
            "SELECT * FROM transfers WHERE tenant_id = :tenant AND mode = :mode AND id = :id")
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", id)
        .query(Transfers::map)
        .optional();
  }

  Page<Transfer> list(Realm realm, String accountId, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM transfers
                WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:account AS text) IS NULL
                       OR from_account_id = :account OR to_account_id = :account)
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("account", accountId)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(Transfers::map)
            .list(),
        page);
  }

  private void insert(Realm realm, Transfer t) {
    jdbc.sql(
            """
            INSERT INTO transfers (id, tenant_id, mode, kind, from_account_id, to_account_id,
                amount, currency, to_amount, to_currency, fx_mid_rate, fx_rate, fx_markup_bps,
                fx_markup_amount, fee_amount, description, metadata, posting_id, created_at)
            VALUES (:id, :tenant, :mode, :kind, :from, :to, :amount, :currency, :toAmount,
                :toCurrency, CAST(:mid AS numeric), CAST(:rate AS numeric), :bps, :markup, :fee,
                :description, CAST(:metadata AS jsonb), :posting, :at)
            """)
        .param("id", t.id())
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("kind", t.kind())
        .param("from", t.fromAccountId())
        .param("to", t.toAccountId())
        .param("amount", t.amount())
        .param("currency", t.currency())
        .param("toAmount", t.toAmount())
        .param("toCurrency", t.toCurrency())
        .param("mid", t.fxMidRate())
        .param("rate", t.fxRate())
        .param("bps", t.fxMarkupBps())
        .param("markup", t.fxMarkupAmount())
        .param("fee", t.feeAmount())
        .param("description", t.description())
        .param("metadata", Json.write(t.metadata()))
        .param("posting", t.postingId())
        .param("at", Timestamps.sql(t.createdAt()))
        .update();
  }

  private static Transfer map(ResultSet rs, int row) throws SQLException {
    BigDecimal mid = rs.getBigDecimal("fx_mid_rate");
    BigDecimal rate = rs.getBigDecimal("fx_rate");
    int bps = rs.getInt("fx_markup_bps");
    Integer markupBps = rs.wasNull() ? null : bps;
    long markup = rs.getLong("fx_markup_amount");
    Long markupAmount = rs.wasNull() ? null : markup;
    return new Transfer(
        rs.getString("id"),
        "live".equals(rs.getString("mode")),
        rs.getString("kind"),
        rs.getString("from_account_id"),
        rs.getString("to_account_id"),
        rs.getLong("amount"),
        rs.getString("currency"),
        rs.getLong("to_amount"),
        rs.getString("to_currency"),
        mid == null ? null : mid.stripTrailingZeros().toPlainString(),
        rate == null ? null : rate.stripTrailingZeros().toPlainString(),
        markupBps,
        markupAmount,
        rs.getLong("fee_amount"),
        rs.getString("description"),
        Json.readStringMap(rs.getString("metadata")),
        rs.getString("posting_id"),
        "completed",
        Timestamps.instant(rs.getTimestamp("created_at")));
  }
}
