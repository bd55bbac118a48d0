package dev.cardos.funding.internal;

import dev.cardos.cardholders.Cardholder;
import dev.cardos.cardholders.CardholderVerification;
import dev.cardos.cardholders.DocumentType;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.AccountKind;
import dev.cardos.ledger.Ledger;
import dev.cardos.shared.Amounts;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Metadata;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
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

/**
 * {@code /v1/transfers}: between the tenant's own accounts ({@code to_account_id}), or from one
 * cardholder's wallet to another cardholder identified by four elements ({@code to_cardholder}).
 */
@RestController
@RequestMapping("/v1/transfers")
@Tag(name = "funding")
class TransferController {

  /** The recipient of a platform transfer: all four must belong to one cardholder. */
  record Recipient(
      @NotNull String cardholderId,
      @NotNull String reference,
      @NotNull DocumentType documentType,
      @NotNull String documentNumber) {}

  record CreateTransfer(
      @NotNull String fromAccountId,
      String toAccountId,
      @Valid Recipient toCardholder,
      String toCurrency,
      @NotNull Long amount,
      @NotNull String currency,
      @Size(max = 500) String description,
      Map<String, String> metadata) {}

  private final Ledger ledger;
  private final Transfers transfers;
  private final CardholderVerification verification;

  TransferController(Ledger ledger, Transfers transfers, CardholderVerification verification) {
    this.ledger = ledger;
    this.transfers = transfers;
    this.verification = verification;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.FUNDS_WRITE)
  @Operation(summary = "Move money between accounts, or from one cardholder to another")
  @Transactional
  Transfers.Transfer create(Realm realm, @Valid @RequestBody CreateTransfer request) {
    long amount = Amounts.requirePositive(request.amount(), "amount");
    Currencies.require(request.currency(), "currency");
    if (request.toCurrency() != null) {
      Currencies.require(request.toCurrency(), "to_currency");
    }
    Map<String, String> metadata = Metadata.validated(request.metadata(), "metadata");
    if ((request.toAccountId() == null) == (request.toCardholder() == null)) {
      throw Problem.invalidField(
          "to_account_id", "give exactly one of to_account_id and to_cardholder");
    }
    Account from = spendable(realm, request.fromAccountId(), "from_account_id");
    if (!from.currency().equals(request.currency())) {
      throw new Problem(
          ProblemCode.CURRENCY_MISMATCH,
          "The source account is in " + from.currency() + ", the amount in " + request.currency(),
          List.of(new Problem.FieldError("currency", "must be " + from.currency())));
    }
    if (request.toAccountId() != null) {
      if (request.toCurrency() != null) {
        throw Problem.invalidField("to_currency", "applies to transfers to a cardholder only");
      }
      Account to = spendable(realm, request.toAccountId(), "to_account_id");
      if (to.id().equals(from.id())) {
        throw Problem.invalidField("to_account_id", "must differ from from_account_id");
      }
      return transfers.transfer(
          realm, "internal", from, to, amount, request.description(), metadata);
    }
    if (from.kind() != AccountKind.WALLET) {
      throw Problem.invalidField(
          "from_account_id", "must be a cardholder's wallet for a transfer to a cardholder");
    }
    Recipient recipient = request.toCardholder();
    Cardholder receiver =
        verification
            .verify(
                realm,
                recipient.cardholderId(),
                recipient.reference(),
                recipient.documentType(),
                recipient.documentNumber())
            .orElseThrow(
                () ->
                    new Problem(
                        ProblemCode.RECIPIENT_VERIFICATION_FAILED,
                        "The recipient's cardholder id, reference, document type and number do"
                            + " not all belong to one cardholder"));
    if (receiver.id().equals(from.cardholderId())) {
      throw Problem.invalidField("to_cardholder.cardholder_id", "must differ from the sender");
    }
    String toCurrency = request.toCurrency() == null ? from.currency() : request.toCurrency();
    Account to = walletOf(realm, receiver.id(), toCurrency);
    return transfers.transfer(realm, "platform", from, to, amount, request.description(), metadata);
  }

  /** The receiver's wallet in the currency, opened for them if they have none yet. */
  private Account walletOf(Realm realm, String cardholderId, String currency) {
    return ledger.fundingOrWallet(realm, currency, cardholderId);
  }

  private Account spendable(Realm realm, String accountId, String field) {
    return ledger
        .find(realm, accountId)
        .filter(a -> a.kind() == AccountKind.FUNDING || a.kind() == AccountKind.WALLET)
        .orElseThrow(() -> Problem.notFound("funding account or wallet", accountId));
  }

  @GetMapping("/{id}")
  @RequiresScope(Scope.FUNDS_READ)
  @Operation(summary = "Retrieve a transfer")
  Transfers.Transfer get(Realm realm, @PathVariable String id) {
    return transfers.find(realm, id).orElseThrow(() -> Problem.notFound("transfer", id));
  }

  @GetMapping
  @RequiresScope(Scope.FUNDS_READ)
  @Operation(summary = "List transfers, newest first")
  Page<Transfers.Transfer> list(
      Realm realm,
      @RequestParam(name = "account_id", required = false) String accountId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return transfers.list(realm, accountId, PageRequest.of(limit, startingAfter, "tr_"));
  }
}
