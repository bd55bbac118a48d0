package dev.cardos.funding.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cardos.events.EventType;
import dev.cardos.events.Outbox;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Ledger;
import dev.cardos.ledger.Leg;
import dev.cardos.ledger.PostingRequest;
import dev.cardos.ledger.PostingResult;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Money arriving from outside: the settlement account pays the funding account (or wallet), and the
 * tenant's deposit fee moves from it to fee revenue as entries of their own, in one posting.
 */
@Service
class Deposits {

  /** A deposit as the API shows it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Deposit(
      String id,
      boolean livemode,
      String accountId,
      long amount,
      String currency,
      long feeAmount,
      long netAmount,
      String rail,
      String scheme,
      String asset,
      String chain,
      String reference,
      String postingId,
      String status,
      Instant createdAt) {}

  /** How the money came: a bank scheme, or a stablecoin asset on a chain. */
  record Arrival(FeeRule.Rail rail, String scheme, String asset, String chain, String reference) {}

  private final Ledger ledger;
  private final FeeSchedules fees;
  private final Outbox outbox;
  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;

  Deposits(Ledger ledger, FeeSchedules fees, Outbox outbox, JdbcClient jdbc, Ids ids, Clock clock) {
    this.ledger = ledger;
    this.fees = fees;
    this.outbox = outbox;
    this.jdbc = jdbc;
    this.ids = ids;
    this.clock = clock;
  }

  @Transactional
  Deposit receive(Realm realm, Account account, long amountMinor, Arrival arrival) {
    String currency = account.currency();
    long fee =
        fees.depositRule(realm, currency, arrival.rail()).map(r -> r.feeOn(amountMinor)).orElse(0L);
    if (fee > amountMinor) {
      throw new Problem(
          ProblemCode.FEE_EXCEEDS_AMOUNT,
          "The deposit fee of " + fee + " exceeds the amount of " + amountMinor);
    }
    String depositId = ids.next("dep_");
    List<Leg> legs = new ArrayList<>();
    legs.add(
        Leg.debit(ledger.systemAccount(realm, AccountKind.SETTLEMENT, currency).id(), amountMinor));
    legs.add(Leg.credit(account.id(), amountMinor));
    if (fee > 0) {
      legs.add(Leg.debit(account.id(), fee));
      legs.add(
          Leg.credit(ledger.systemAccount(realm, AccountKind.FEE_REVENUE, currency).id(), fee));
    }
    PostingResult result =
        ledger.post(
            realm,
            new PostingRequest("deposit", "Deposit by " + arrival.rail().wire(), depositId, legs));
    String postingId =
        switch (result) {
          case PostingResult.Posted posted -> posted.postingId();
          case PostingResult.InsufficientFunds refused ->
              throw new IllegalStateException(
                  "a deposit credits more than its fee debits, yet was refused: " + refused);
        };
    Deposit deposit =
        new Deposit(
            depositId,
            realm.live(),
            account.id(),
            amountMinor,
            currency,
            fee,
            amountMinor - fee,
            arrival.rail().wire(),
            arrival.scheme(),
            arrival.asset(),
            arrival.chain(),
            arrival.reference(),
            postingId,
            "credited",
            Timestamps.now(clock));
    insert(realm, deposit);
    outbox.append(realm, EventType.DEPOSIT_RECEIVED, depositId, deposit);
    if (account.kind() == AccountKind.WALLET) {
      outbox.append(realm, EventType.WALLET_CREDITED, account.id(), deposit);
    }
    return deposit;
  }

  Optional<Deposit> find(Realm realm, String id) {
    return jdbc.sql(
            "SELECT * FROM deposits WHERE tenant_id = :tenant AND mode = :mode AND id = :id")
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("id", id)
        .query(
            (rs, row) ->
                new Deposit(
                    rs.getString("id"),
                    realm.live(),
                    rs.getString("account_id"),
                    rs.getLong("amount"),
                    rs.getString("currency"),
                    rs.getLong("fee_amount"),
                    rs.getLong("net_amount"),
                    rs.getString("rail"),
                    rs.getString("scheme"),
                    rs.getString("asset"),
                    rs.getString("chain"),
                    rs.getString("reference"),
                    rs.getString("posting_id"),
                    "credited",
                    Timestamps.instant(rs.getTimestamp("created_at"))))
        .optional();
  }

  private void insert(Realm realm, Deposit d) {
    jdbc.sql(
            """
            INSERT INTO deposits (id, tenant_id, mode, account_id, amount, currency, fee_amount,
                                  net_amount, rail, scheme, asset, chain, reference, posting_id,
                                  created_at)
            VALUES (:id, :tenant, :mode, :account, :amount, :currency, :fee, :net, :rail,
                    :scheme, :asset, :chain, :reference, :posting, :at)
            """)
        .param("id", d.id())
        .param("tenant", realm.tenantId())
        .param("mode", realm.mode().wire())
        .param("account", d.accountId())
        .param("amount", d.amount())
        .param("currency", d.currency())
        .param("fee", d.feeAmount())
        .param("net", d.netAmount())
        .param("rail", d.rail())
        .param("scheme", d.scheme())
        .param("asset", d.asset())
        .param("chain", d.chain())
        .param("reference", d.reference())
        .param("posting", d.postingId())
        .param("at", Timestamps.sql(d.createdAt()))
        .update();
  }
}
