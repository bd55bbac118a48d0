package dev.cardos.funding.internal;

import dev.cardos.cardholders.Cardholders;
import dev.cardos.funding.internal.AccountViews.AccountView;
import dev.cardos.funding.internal.AccountViews.EntryView;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Ledger;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Metadata;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/accounts}: open funding accounts and wallets, read balances and entries. */
@RestController
@RequestMapping("/v1/accounts")
@Tag(name = "accounts")
class AccountController {

  static final String ID_PREFIX = "acct_";

  private final Ledger ledger;
  private final Cardholders cardholders;

  AccountController(Ledger ledger, Cardholders cardholders) {
    this.ledger = ledger;
    this.cardholders = cardholders;
  }

  record OpenAccount(
      @NotNull AccountKind kind,
      @NotNull String currency,
      String cardholderId,
      @Size(max = 100) String reference,
      Map<String, String> metadata) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.FUNDS_WRITE)
  @Operation(summary = "Open a funding account (the business's) or a wallet (a cardholder's)")
  @Transactional
  AccountView open(Realm realm, @Valid @RequestBody OpenAccount request) {
    Currencies.require(request.currency(), "currency");
    switch (request.kind()) {
      case FUNDING -> {
        if (request.cardholderId() != null) {
          throw Problem.invalidField("cardholder_id", "must be absent for a funding account");
        }
      }
      case WALLET -> {
        if (request.cardholderId() == null) {
          throw Problem.invalidField("cardholder_id", "is required for a wallet");
        }
        cardholders
            .find(realm, request.cardholderId())
            .orElseThrow(() -> Problem.notFound("cardholder", request.cardholderId()));
      }
      case CARD, FEE_REVENUE, SETTLEMENT, FX, SUSPENSE ->
          throw Problem.invalidField("kind", "must be funding or wallet");
    }
    Account account =
        ledger.open(
            realm,
            new Ledger.NewAccount(
                request.kind(),
                request.currency(),
                request.cardholderId(),
                request.reference(),
                Metadata.validated(request.metadata(), "metadata")));
    return AccountView.of(account);
  }

  @GetMapping("/{id}")
  @RequiresScope(Scope.FUNDS_READ)
  @Operation(summary = "Retrieve an account with its ledger, held and available balances")
  AccountView get(Realm realm, @PathVariable String id) {
    return AccountView.of(find(realm, id));
  }

  @GetMapping
  @RequiresScope(Scope.FUNDS_READ)
  @Operation(summary = "List accounts, newest first")
  Page<AccountView> list(
      Realm realm,
      @RequestParam(required = false) AccountKind kind,
      @RequestParam(required = false) String currency,
      @RequestParam(name = "cardholder_id", required = false) String cardholderId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return ledger
        .accounts(
            realm, kind, currency, cardholderId, PageRequest.of(limit, startingAfter, ID_PREFIX))
        .map(AccountView::of);
  }

  @GetMapping("/{id}/entries")
  @RequiresScope(Scope.FUNDS_READ)
  @Operation(summary = "List the entries behind an account's ledger balance, newest first")
  Page<EntryView> entries(
      Realm realm,
      @PathVariable String id,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    find(realm, id);
    return ledger
        .entries(realm, id, PageRequest.of(limit, startingAfter, "ent_"))
        .map(EntryView::of);
  }

  private Account find(Realm realm, String id) {
    return ledger.find(realm, id).orElseThrow(() -> Problem.notFound("account", id));
  }
}
