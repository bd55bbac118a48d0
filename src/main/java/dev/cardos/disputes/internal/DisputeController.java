package dev.cardos.disputes.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.tenancy.Caller;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Base64;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/disputes}: open, add evidence, submit, withdraw; the network's answer simulated. */
@RestController
@Tag(name = "disputes")
class DisputeController {

  private final DisputeService disputes;

  DisputeController(DisputeService disputes) {
    this.disputes = disputes;
  }

  enum Reason {
    @JsonProperty("fraud")
    FRAUD,
    @JsonProperty("not_received")
    NOT_RECEIVED,
    @JsonProperty("duplicate")
    DUPLICATE,
    @JsonProperty("incorrect_amount")
    INCORRECT_AMOUNT,
    @JsonProperty("canceled")
    CANCELED,
    @JsonProperty("other")
    OTHER
  }

  record OpenDispute(
      @NotNull String transactionId,
      @NotNull Reason reason,
      Long amount,
      @Size(max = 5000) String explanation) {}

  @PostMapping("/v1/disputes")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.DISPUTES_WRITE)
  @Operation(
      summary =
          "Open a dispute on a settled transaction (amount defaults to all that is disputable)")
  @Transactional
  DisputeService.Dispute open(Realm realm, Caller caller, @Valid @RequestBody OpenDispute body) {
    if (body.amount() != null && body.amount() <= 0) {
      throw Problem.invalidField("amount", "must be a positive integer of minor units");
    }
    return disputes.open(
        realm,
        body.transactionId(),
        body.reason().name().toLowerCase(Locale.ROOT),
        body.amount(),
        body.explanation(),
        caller.keyId());
  }

  @GetMapping("/v1/disputes/{id}")
  @RequiresScope(Scope.TRANSACTIONS_READ)
  @Operation(summary = "Retrieve a dispute with its evidence (files by name, type, size and hash)")
  DisputeService.Dispute get(Realm realm, @PathVariable String id) {
    return disputes.find(realm, id).orElseThrow(() -> Problem.notFound("dispute", id));
  }

  @GetMapping("/v1/disputes")
  @RequiresScope(Scope.TRANSACTIONS_READ)
  @Operation(summary = "List disputes, newest first")
  Page<DisputeService.Dispute> list(
      Realm realm,
      @RequestParam(required = false) String status,
      @RequestParam(name = "card_id", required = false) String cardId,
      @RequestParam(name = "transaction_id", required = false) String transactionId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return disputes.list(
        realm, status, cardId, transactionId, PageRequest.of(limit, startingAfter, "dp_"));
  }

  /** Text, or a file given as base64 (PDF, PNG or JPEG, judged by its bytes, at most 1 MB). */
  record EvidenceInput(
      @Size(max = 20_000) String text,
      @Size(max = 200) String fileName,
      @Size(max = 1_400_000) String contentBase64) {}

  @PostMapping("/v1/disputes/{id}/evidence")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.DISPUTES_WRITE)
  @Operation(
      summary = "Add evidence (text, or a PDF/PNG/JPEG file as base64) while the dispute is open")
  @Transactional
  DisputeService.Dispute evidence(
      Realm realm, @PathVariable String id, @Valid @RequestBody EvidenceInput body) {
    boolean text = body.text() != null && !body.text().isBlank();
    boolean file = body.contentBase64() != null;
    if (text == file) {
      throw Problem.invalidField("text", "give either text or content_base64 (with file_name)");
    }
    if (text) {
      return disputes.addText(realm, id, body.text());
    }
    if (body.fileName() == null || body.fileName().isBlank()) {
      throw Problem.invalidField("file_name", "is required with content_base64");
    }
    byte[] content;
    try {
      content = Base64.getDecoder().decode(body.contentBase64());
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField("content_base64", "is not valid base64");
    }
    if (content.length == 0 || content.length > DisputeService.FILE_BYTES_MAX) {
      throw Problem.invalidField(
          "content_base64", "must hold 1 to " + DisputeService.FILE_BYTES_MAX + " bytes");
    }
    return disputes.addFile(realm, id, body.fileName(), content);
  }

  @PostMapping("/v1/disputes/{id}/submit")
  @RequiresScope(Scope.DISPUTES_WRITE)
  @Operation(summary = "Submit the dispute to the network")
  @Transactional
  DisputeService.Dispute submit(Realm realm, Caller caller, @PathVariable String id) {
    return disputes.submit(realm, id, caller.keyId());
  }

  @PostMapping("/v1/disputes/{id}/withdraw")
  @RequiresScope(Scope.DISPUTES_WRITE)
  @Operation(summary = "Withdraw the dispute; a provisional credit is taken back")
  @Transactional
  DisputeService.Dispute withdraw(Realm realm, Caller caller, @PathVariable String id) {
    return disputes.withdraw(realm, id, caller.keyId());
  }

  enum Outcome {
    @JsonProperty("won")
    WON,
    @JsonProperty("lost")
    LOST
  }

  record Resolution(@NotNull Outcome outcome) {}

  @PostMapping("/v1/simulate/disputes/{id}/resolve")
  @RequiresScope(Scope.DISPUTES_WRITE)
  @Operation(summary = "Test mode: the network decides a submitted dispute, won or lost")
  @Transactional
  DisputeService.Dispute resolve(
      Realm realm, Caller caller, @PathVariable String id, @Valid @RequestBody Resolution body) {
    if (realm.live()) {
      throw new Problem(ProblemCode.LIVE_MODE_UNSUPPORTED, "Simulations need a test key");
    }
    return disputes.resolve(realm, id, body.outcome() == Outcome.WON, caller.keyId());
  }
}
