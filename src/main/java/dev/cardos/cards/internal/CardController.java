package dev.cardos.cards.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.cardos.cards.Card;
import dev.cardos.cards.CardAction;
import dev.cardos.cards.CardSecurity.PinBlockFormat;
import dev.cardos.cards.CardStatus;
import dev.cardos.programs.CardForm;
import dev.cardos.shared.Amounts;
import dev.cardos.shared.Countries;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.IdempotentReplay;
import dev.cardos.shared.Metadata;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.ProblemResponses;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.AuditLog;
import dev.cardos.tenancy.Caller;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/cards}: issue cards, manage their lifecycle, reveal details, set PINs, fund. */
@RestController
@Tag(name = "cards")
class CardController {

  private final CardService service;
  private final JdbcCards cards;
  private final AuditLog audit;
  private final JdbcClient jdbc;
  private final dev.cardos.controls.Controls controls;

  CardController(
      CardService service,
      JdbcCards cards,
      AuditLog audit,
      JdbcClient jdbc,
      dev.cardos.controls.Controls controls) {
    this.service = service;
    this.cards = cards;
    this.audit = audit;
    this.jdbc = jdbc;
    this.controls = controls;
  }

  @org.springframework.web.bind.annotation.PutMapping("/v1/cards/{id}/controls")
  @RequiresScope(Scope.CONTROLS_WRITE)
  @Operation(
      summary =
          "Replace the card's spend controls; they apply to the very next authorization (the"
              + " program's and cardholder's controls still apply: the most restrictive wins)")
  @Transactional
  dev.cardos.controls.SpendControls putControls(
      Realm realm, @PathVariable String id, @RequestBody dev.cardos.controls.SpendControls body) {
    cards.find(realm, id).orElseThrow(() -> Problem.notFound("card", id));
    return controls.put(realm, id, body);
  }

  @GetMapping("/v1/cards/{id}/controls")
  @RequiresScope(Scope.CARDS_READ)
  @Operation(summary = "The card's own spend controls")
  dev.cardos.controls.SpendControls getControls(Realm realm, @PathVariable String id) {
    cards.find(realm, id).orElseThrow(() -> Problem.notFound("card", id));
    return controls.find(realm, id).orElse(dev.cardos.controls.SpendControls.NONE);
  }

  record ShippingAddress(
      @NotBlank @Size(max = 200) String name,
      @NotBlank @Size(max = 200) String line1,
      @Size(max = 200) String line2,
      @NotBlank @Size(max = 100) String city,
      @Size(max = 100) String state,
      @NotBlank @Size(max = 20) String postalCode,
      @NotNull String country) {}

  record CreateCard(
      @NotNull String programId,
      String cardholderId,
      @NotNull CardForm form,
      @Size(max = 200) String label,
      @Size(max = 100) String reference,
      Map<String, String> metadata,
      Boolean singleUse,
      @Valid ShippingAddress shipping) {}

  /** A card with, on creation only, its details (program reveals once) or activation code. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record IssuedView(
      @JsonUnwrapped Card card, CardService.Sensitive sensitive, String activationCode) {}

  @PostMapping("/v1/cards")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Issue a card")
  @Transactional
  IssuedView create(
      Realm realm, Caller caller, @Valid @RequestBody CreateCard request, HttpServletRequest http) {
    ShippingAddress s = request.shipping();
    if (s != null) {
      Countries.require(s.country(), "shipping.country");
    }
    CardService.Issued issued =
        service.issue(
            realm,
            new CardService.IssueRequest(
                request.programId(),
                request.cardholderId(),
                request.form(),
                request.label(),
                request.reference(),
                Metadata.validated(request.metadata(), "metadata"),
                Boolean.TRUE.equals(request.singleUse()),
                s == null
                    ? null
                    : new Card.Shipping(
                        null,
                        s.name(),
                        s.line1(),
                        s.line2(),
                        s.city(),
                        s.state(),
                        s.postalCode(),
                        s.country(),
                        null,
                        null)),
            caller.keyId());
    return answer(realm, caller, issued, http);
  }

  /** Audits a reveal at creation and keeps details and codes out of the idempotency store. */
  private IssuedView answer(
      Realm realm, Caller caller, CardService.Issued issued, HttpServletRequest http) {
    http.setAttribute(
        IdempotentReplay.REDACTED_BODY_ATTRIBUTE, new IssuedView(issued.card(), null, null));
    if (issued.sensitive() != null) {
      auditReveal(realm, caller, issued.card().id(), "reveal card details at creation", http);
    }
    return new IssuedView(issued.card(), issued.sensitive(), issued.activationCode());
  }

  @GetMapping("/v1/cards/{id}")
  @RequiresScope(Scope.CARDS_READ)
  @Operation(summary = "Retrieve a card (never its number)")
  Card get(Realm realm, @PathVariable String id) {
    return cards.find(realm, id).orElseThrow(() -> Problem.notFound("card", id));
  }

  @GetMapping("/v1/cards")
  @RequiresScope(Scope.CARDS_READ)
  @Operation(
      summary =
          "List cards, newest first; filter by cardholder_id, status, reference, program_id and"
              + " metadata[key]=value")
  Page<Card> list(
      Realm realm,
      @RequestParam(name = "cardholder_id", required = false) String cardholderId,
      @RequestParam(required = false) CardStatus status,
      @RequestParam(required = false) String reference,
      @RequestParam(name = "program_id", required = false) String programId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter,
      @RequestParam Map<String, String> all) {
    Map<String, String> metadata = new LinkedHashMap<>();
    all.forEach(
        (key, value) -> {
          if (key.startsWith("metadata[") && key.endsWith("]")) {
            metadata.put(key.substring("metadata[".length(), key.length() - 1), value);
          }
        });
    return cards.list(
        realm,
        new JdbcCards.Filter(cardholderId, status, reference, programId, metadata),
        PageRequest.of(limit, startingAfter, CardService.ID_PREFIX));
  }

  record UpdateCard(@Size(max = 200) String label, Map<String, String> metadata) {}

  @PatchMapping("/v1/cards/{id}")
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Change a card's label or metadata (an empty value removes a key)")
  @Transactional
  Card update(Realm realm, @PathVariable String id, @Valid @RequestBody UpdateCard request) {
    return service.update(realm, id, request.label(), request.metadata());
  }

  record Activation(
      @Pattern(regexp = "[0-9]{4}", message = "must be 4 digits") String last4,
      @Min(1) @Max(12) Integer expMonth,
      @Min(2000) @Max(2200) Integer expYear,
      @Pattern(regexp = "[0-9]{8}", message = "must be 8 digits") String activationCode) {}

  @PostMapping("/v1/cards/{id}/activate")
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Activate a physical card with its last four digits and expiry, or its code")
  @Transactional
  Card activate(
      Realm realm, Caller caller, @PathVariable String id, @Valid @RequestBody Activation request) {
    return service.activate(
        realm,
        id,
        request.last4(),
        request.expMonth(),
        request.expYear(),
        request.activationCode(),
        caller.keyId());
  }

  record Reason(@Size(max = 500) String reason) {}

  @PostMapping("/v1/cards/{id}/freeze")
  @RequiresScope(Scope.CONTROLS_WRITE)
  @Operation(summary = "Freeze a card: every authorization is declined card_frozen until unfrozen")
  @Transactional
  Card freeze(
      Realm realm,
      Caller caller,
      @PathVariable String id,
      @Valid @RequestBody(required = false) Reason body) {
    return service.change(realm, id, CardAction.FREEZE, reason(body), caller.keyId());
  }

  @PostMapping("/v1/cards/{id}/unfreeze")
  @RequiresScope(Scope.CONTROLS_WRITE)
  @Operation(summary = "Unfreeze a frozen card")
  @Transactional
  Card unfreeze(
      Realm realm,
      Caller caller,
      @PathVariable String id,
      @Valid @RequestBody(required = false) Reason body) {
    return service.change(realm, id, CardAction.UNFREEZE, reason(body), caller.keyId());
  }

  enum BlockReason {
    @JsonProperty("lost")
    LOST,
    @JsonProperty("stolen")
    STOLEN,
    @JsonProperty("fraud")
    FRAUD,
    @JsonProperty("damaged")
    DAMAGED
  }

  record Block(@NotNull BlockReason reason) {}

  @PostMapping("/v1/cards/{id}/block")
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(
      summary = "Block a card for good (lost, stolen, fraud, damaged); reissue to replace it")
  @Transactional
  Card block(Realm realm, Caller caller, @PathVariable String id, @Valid @RequestBody Block body) {
    return service.change(
        realm,
        id,
        CardAction.BLOCK,
        body.reason().name().toLowerCase(java.util.Locale.ROOT),
        caller.keyId());
  }

  @PostMapping("/v1/cards/{id}/terminate")
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Terminate a card; its remaining balance returns to the cardholder's wallet")
  @Transactional
  Card terminate(
      Realm realm,
      Caller caller,
      @PathVariable String id,
      @Valid @RequestBody(required = false) Reason body) {
    return service.change(realm, id, CardAction.TERMINATE, reason(body), caller.keyId());
  }

  enum ReissueKindInput {
    @JsonProperty("renew")
    RENEW,
    @JsonProperty("reissue")
    REISSUE,
    @JsonProperty("replace")
    REPLACE
  }

  record Reissue(@NotNull ReissueKindInput kind) {}

  @PostMapping("/v1/cards/{id}/reissue")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(
      summary =
          "Reissue a card: renew (same number, new expiry), reissue (same number), replace (new"
              + " number); the old card is terminated")
  @Transactional
  IssuedView reissue(
      Realm realm,
      Caller caller,
      @PathVariable String id,
      @Valid @RequestBody Reissue body,
      HttpServletRequest http) {
    CardService.Issued issued =
        service.reissue(
            realm, id, CardService.ReissueKind.valueOf(body.kind().name()), caller.keyId());
    return answer(realm, caller, issued, http);
  }

  @GetMapping("/v1/cards/{id}/sensitive")
  @RequiresScope(Scope.CARDS_REVEAL)
  @Operation(summary = "Reveal a card's number, CVV2 and expiry (programs with on_demand reveal)")
  @Transactional
  ResponseEntity<CardService.Sensitive> sensitive(
      Realm realm, Caller caller, @PathVariable String id, HttpServletRequest http) {
    CardService.Sensitive sensitive = service.reveal(realm, id);
    auditReveal(realm, caller, id, "GET /v1/cards/{id}/sensitive", http);
    return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(sensitive);
  }

  enum PinFormatInput {
    @JsonProperty("iso_0")
    ISO_0,
    @JsonProperty("iso_4")
    ISO_4
  }

  record SetPin(
      @NotNull PinFormatInput format,
      @NotNull
          @Pattern(
              regexp = "([0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})",
              message = "must be 16 or 32 hex digits")
          String pinBlock) {}

  @PutMapping("/v1/cards/{id}/pin")
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(
      summary =
          "Set the PIN from an ISO 9564 PIN block (format 0 under the BIN's PIN key, or format 4);"
              + " only its PVV is stored")
  @Transactional
  Card setPin(
      Realm realm, Caller caller, @PathVariable String id, @Valid @RequestBody SetPin body) {
    return service.setPin(
        realm,
        id,
        PinBlockFormat.valueOf(body.format().name()),
        HexFormat.of().parseHex(body.pinBlock()),
        caller.keyId());
  }

  record Funding(@NotNull Long amount, @NotNull String currency, String walletId) {}

  @PostMapping("/v1/cards/{id}/fund")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.FUNDS_WRITE)
  @Operation(summary = "Move money from the cardholder's wallet onto the card's balance")
  @Transactional
  CardService.Movement fund(
      Realm realm, @PathVariable String id, @Valid @RequestBody Funding body) {
    return move(realm, id, body, true);
  }

  @PostMapping("/v1/cards/{id}/withdraw")
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.FUNDS_WRITE)
  @Operation(summary = "Move money from the card's balance back to the cardholder's wallet")
  @Transactional
  CardService.Movement withdraw(
      Realm realm, @PathVariable String id, @Valid @RequestBody Funding body) {
    return move(realm, id, body, false);
  }

  private CardService.Movement move(Realm realm, String id, Funding body, boolean toCard) {
    long amount = Amounts.requirePositive(body.amount(), "amount");
    Currencies.require(body.currency(), "currency");
    return service.fund(realm, id, amount, body.currency(), body.walletId(), toCard);
  }

  record Transition(
      String id,
      String action,
      String fromStatus,
      String toStatus,
      String reason,
      String actor,
      Instant createdAt) {}

  @GetMapping("/v1/cards/{id}/transitions")
  @RequiresScope(Scope.CARDS_READ)
  @Operation(summary = "The card's lifecycle history: what changed, who did it, when and why")
  Page<Transition> transitions(
      Realm realm,
      @PathVariable String id,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    cards.find(realm, id).orElseThrow(() -> Problem.notFound("card", id));
    PageRequest page = PageRequest.of(limit, startingAfter, "ctr_");
    return Page.of(
        jdbc.sql(
                """
                SELECT * FROM card_transitions WHERE card_id = :card
                  AND (CAST(:after AS text) IS NULL OR id < :after)
                ORDER BY id DESC LIMIT :n
                """)
            .param("card", id)
            .param("after", page.startingAfter())
            .param("n", page.fetchSize())
            .query(
                (rs, row) ->
                    new Transition(
                        rs.getString("id"),
                        rs.getString("action"),
                        rs.getString("from_status"),
                        rs.getString("to_status"),
                        rs.getString("reason"),
                        rs.getString("actor"),
                        Timestamps.instant(rs.getTimestamp("created_at"))))
            .list(),
        page);
  }

  @PostMapping("/v1/simulate/cards/{id}/ship")
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Test mode: the physical card leaves the printer")
  @Transactional
  Card ship(Realm realm, Caller caller, @PathVariable String id) {
    requireTestMode(realm);
    return service.ship(realm, id, false, caller.keyId());
  }

  @PostMapping("/v1/simulate/cards/{id}/deliver")
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Test mode: the physical card reaches the cardholder")
  @Transactional
  Card deliver(Realm realm, Caller caller, @PathVariable String id) {
    requireTestMode(realm);
    return service.ship(realm, id, true, caller.keyId());
  }

  record SimulatePinBlock(
      @NotNull String cardId,
      @NotNull @Pattern(regexp = "[0-9]{4}", message = "must be 4 digits") String pin,
      @NotNull PinFormatInput format) {}

  record PinBlock(String pinBlock, String format) {}

  @PostMapping("/v1/simulate/pin-blocks")
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Test mode: the encrypted PIN block a terminal would send for a card")
  PinBlock pinBlock(Realm realm, @Valid @RequestBody SimulatePinBlock body) {
    requireTestMode(realm);
    byte[] block =
        service.simulatePinBlock(
            realm, body.cardId(), PinBlockFormat.valueOf(body.format().name()), body.pin());
    return new PinBlock(
        HexFormat.of().withUpperCase().formatHex(block),
        body.format().name().toLowerCase(java.util.Locale.ROOT));
  }

  private void auditReveal(
      Realm realm, Caller caller, String cardId, String action, HttpServletRequest http) {
    audit.record(
        new AuditLog.AuditRecord(
            caller.keyId(),
            realm.tenantId(),
            realm.mode(),
            action,
            cardId,
            200,
            http.getRemoteAddr(),
            (String) http.getAttribute(ProblemResponses.REQUEST_ID_ATTRIBUTE)));
  }

  private static void requireTestMode(Realm realm) {
    if (realm.live()) {
      throw new Problem(ProblemCode.LIVE_MODE_UNSUPPORTED, "Simulations need a test key");
    }
  }

  private static String reason(Reason body) {
    return body == null ? null : body.reason();
  }
}
