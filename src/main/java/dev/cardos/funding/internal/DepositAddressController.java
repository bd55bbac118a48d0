package dev.cardos.funding.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Ledger;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/deposit-addresses}: one stablecoin deposit address per account and chain, in the
 * chain's own format. Test mode only: a live address needs a custody provider that holds its key.
 */
@RestController
@RequestMapping("/v1/deposit-addresses")
@Tag(name = "funding")
class DepositAddressController {

  enum Chain {
    @JsonProperty("ethereum")
    ETHEREUM,
    @JsonProperty("solana")
    SOLANA;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  record CreateAddress(@NotNull String accountId, @NotNull Chain chain) {}

  record DepositAddress(
      String id,
      boolean livemode,
      String accountId,
      String chain,
      String address,
      Instant createdAt) {}

  private final Ledger ledger;
  private final JdbcClient jdbc;
  private final Ids ids;
  private final Clock clock;

  DepositAddressController(Ledger ledger, JdbcClient jdbc, Ids ids, Clock clock) {
    this.ledger = ledger;
    this.jdbc = jdbc;
    this.ids = ids;
    this.clock = clock;
  }

  @PostMapping
  @RequiresScope(Scope.FUNDS_WRITE)
  @Operation(
      summary =
          "Get the deposit address of an account on a chain (created on first request; 201, then"
              + " 200)")
  @Transactional
  ResponseEntity<DepositAddress> create(Realm realm, @Valid @RequestBody CreateAddress request) {
    if (realm.live()) {
      throw new Problem(
          ProblemCode.LIVE_MODE_UNSUPPORTED,
          "Live deposit addresses need a custody provider, which is not configured");
    }
    ledger
        .find(realm, request.accountId())
        .filter(a -> a.kind() == AccountKind.FUNDING || a.kind() == AccountKind.WALLET)
        .filter(a -> a.currency().equals("USD"))
        .orElseThrow(() -> Problem.notFound("USD funding account or wallet", request.accountId()));
    String address =
        switch (request.chain()) {
          case ETHEREUM -> ChainAddresses.ethereum();
          case SOLANA -> ChainAddresses.solana();
        };
    int inserted =
        jdbc.sql(
                """
                INSERT INTO deposit_addresses (id, tenant_id, mode, account_id, chain, address,
                                               created_at)
                VALUES (:id, :tenant, :mode, :account, :chain, :address, :at)
                ON CONFLICT (account_id, chain) DO NOTHING
                """)
            .param("id", ids.next("da_"))
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("account", request.accountId())
            .param("chain", request.chain().wire())
            .param("address", address)
            .param("at", Timestamps.sql(Timestamps.now(clock)))
            .update();
    DepositAddress stored =
        list(realm, request.accountId(), new PageRequest(PageRequest.LIMIT_MAX, null))
            .data()
            .stream()
            .filter(a -> a.chain().equals(request.chain().wire()))
            .findFirst()
            .orElseThrow();
    return ResponseEntity.status(inserted == 1 ? HttpStatus.CREATED : HttpStatus.OK).body(stored);
  }

  @GetMapping
  @RequiresScope(Scope.FUNDS_READ)
  @Operation(summary = "List deposit addresses, newest first")
  Page<DepositAddress> list(
      Realm realm,
      @RequestParam(name = "account_id", required = false) String accountId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return list(realm, accountId, PageRequest.of(limit, startingAfter, "da_"));
  }

  private Page<DepositAddress> list(Realm realm, String accountId, PageRequest page) {
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM deposit_addresses
                WHERE tenant_id = :tenant AND mode = :mode
                  AND (CAST(:account AS text) IS NULL OR account_id = :account)
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("tenant", realm.tenantId())
            .param("mode", realm.mode().wire())
            .param("account", accountId)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(
                (rs, row) ->
                    new DepositAddress(
                        rs.getString("id"),
                        realm.live(),
                        rs.getString("account_id"),
                        rs.getString("chain"),
                        rs.getString("address"),
                        Timestamps.instant(rs.getTimestamp("created_at"))))
            .list(),
        page);
  }
}
