package dev.cardos.cardholders.internal;

import dev.cardos.cardholders.Cardholder;
import dev.cardos.cardholders.DocumentType;
import dev.cardos.cardholders.KycStatus;
import dev.cardos.shared.Countries;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Metadata;
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
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/cardholders}: create, read, list and update cardholders. */
@RestController
@RequestMapping("/v1/cardholders")
@Tag(name = "cardholders")
class CardholderController {

  static final String ID_PREFIX = "ch_";
  private static final LocalDate BORN_AFTER = LocalDate.of(1900, 1, 1);
  private static final String NOT_BLANK = "(?s).*\\S.*";
  private static final String E164 = "\\+[1-9][0-9]{6,14}";
  private static final String COUNTRY = "[A-Z]{2}";
  private static final String DOCUMENT_NUMBER = "[A-Za-z0-9-]{4,40}";

  private final JdbcCardholders cardholders;
  private final Ids ids;
  private final Clock clock;
  private final dev.cardos.controls.Controls controls;

  CardholderController(
      JdbcCardholders cardholders, Ids ids, Clock clock, dev.cardos.controls.Controls controls) {
    this.cardholders = cardholders;
    this.ids = ids;
    this.clock = clock;
    this.controls = controls;
  }

  @org.springframework.web.bind.annotation.PutMapping("/{id}/controls")
  @RequiresScope(Scope.CONTROLS_WRITE)
  @Operation(
      summary =
          "Replace the cardholder's spend controls: their limits count the spending of all the"
              + " cardholder's cards together")
  @Transactional
  dev.cardos.controls.SpendControls putControls(
      Realm realm, @PathVariable String id, @RequestBody dev.cardos.controls.SpendControls body) {
    cardholders.find(realm, id).orElseThrow(() -> Problem.notFound("cardholder", id));
    return controls.put(realm, id, body);
  }

  @GetMapping("/{id}/controls")
  @RequiresScope(Scope.CARDS_READ)
  @Operation(summary = "The cardholder's spend controls")
  dev.cardos.controls.SpendControls getControls(Realm realm, @PathVariable String id) {
    cardholders.find(realm, id).orElseThrow(() -> Problem.notFound("cardholder", id));
    return controls.find(realm, id).orElse(dev.cardos.controls.SpendControls.NONE);
  }

  record AddressInput(
      @NotBlank @Size(max = 200) String line1,
      @Size(max = 200) String line2,
      @NotBlank @Size(max = 100) String city,
      @Size(max = 100) String state,
      @NotBlank @Size(max = 20) String postalCode,
      @NotNull @Pattern(regexp = COUNTRY, message = "must be an ISO 3166-1 alpha-2 code")
          String country) {

    Cardholder.Address toAddress(String field) {
      Countries.require(country, field + ".country");
      return new Cardholder.Address(line1, line2, city, state, postalCode, country);
    }
  }

  record DocumentInput(
      @NotNull DocumentType type,
      @NotNull @Pattern(regexp = DOCUMENT_NUMBER, message = "must be 4 to 40 letters, digits or -")
          String number,
      @NotNull @Pattern(regexp = COUNTRY, message = "must be an ISO 3166-1 alpha-2 code")
          String country) {}

  record CreateCardholder(
      @NotBlank @Size(max = 100) String reference,
      @NotBlank @Size(max = 100) String firstName,
      @NotBlank @Size(max = 100) String lastName,
      @NotBlank @Email @Size(max = 254) String email,
      @Pattern(regexp = E164, message = "must be an E.164 number such as +15125550100")
          String phone,
      @Past LocalDate dateOfBirth,
      @NotNull @Valid AddressInput billingAddress,
      @Valid DocumentInput document,
      KycStatus kycStatus,
      Map<String, String> metadata) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Create a cardholder")
  @Transactional
  Cardholder create(Realm realm, @Valid @RequestBody CreateCardholder request) {
    checkDateOfBirth(request.dateOfBirth());
    Instant now = Timestamps.now(clock);
    DocumentInput document = request.document();
    if (document != null) {
      Countries.require(document.country(), "document.country");
    }
    CardholderRecord record =
        new CardholderRecord(
            ids.next(ID_PREFIX),
            realm.live(),
            request.reference(),
            request.firstName(),
            request.lastName(),
            request.email(),
            request.phone(),
            request.dateOfBirth(),
            request.billingAddress().toAddress("billing_address"),
            document == null ? null : document.type(),
            document == null ? null : document.number(),
            document == null ? null : document.country(),
            request.kycStatus() == null ? KycStatus.PENDING : request.kycStatus(),
            Metadata.validated(request.metadata(), "metadata"),
            now,
            now);
    if (!cardholders.insert(realm, record)) {
      throw referenceTaken(request.reference());
    }
    return record.view();
  }

  @GetMapping("/{id}")
  @RequiresScope(Scope.CARDS_READ)
  @Operation(summary = "Retrieve a cardholder")
  Cardholder get(Realm realm, @PathVariable String id) {
    return cardholders.find(realm, id).orElseThrow(() -> Problem.notFound("cardholder", id));
  }

  @GetMapping
  @RequiresScope(Scope.CARDS_READ)
  @Operation(summary = "List cardholders, newest first")
  Page<Cardholder> list(
      Realm realm,
      @RequestParam(required = false) String reference,
      @RequestParam(required = false) String email,
      @RequestParam(name = "kyc_status", required = false) KycStatus kycStatus,
      @RequestParam(name = "created_after", required = false)
          @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant createdAfter,
      @RequestParam(name = "created_before", required = false)
          @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant createdBefore,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return cardholders.list(
        realm,
        new JdbcCardholders.Filter(reference, email, kycStatus, createdAfter, createdBefore),
        PageRequest.of(limit, startingAfter, ID_PREFIX));
  }

  /**
   * A partial update: a field left out (or null) keeps its value; metadata keys are merged, and a
   * key given an empty string is removed.
   */
  record UpdateCardholder(
      @Size(max = 100) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String reference,
      @Size(max = 100) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String firstName,
      @Size(max = 100) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String lastName,
      @Email @Size(min = 3, max = 254) String email,
      @Pattern(regexp = E164, message = "must be an E.164 number such as +15125550100")
          String phone,
      @Past LocalDate dateOfBirth,
      @Valid AddressInput billingAddress,
      @Valid DocumentInput document,
      KycStatus kycStatus,
      Map<String, String> metadata) {}

  @PatchMapping("/{id}")
  @RequiresScope(Scope.CARDS_WRITE)
  @Operation(summary = "Update a cardholder")
  @Transactional
  Cardholder update(
      Realm realm, @PathVariable String id, @Valid @RequestBody UpdateCardholder request) {
    CardholderRecord current =
        cardholders
            .findRecord(realm, id, true)
            .orElseThrow(() -> Problem.notFound("cardholder", id));
    checkDateOfBirth(request.dateOfBirth());
    DocumentInput document = request.document();
    if (document != null) {
      Countries.require(document.country(), "document.country");
    }
    CardholderRecord updated =
        new CardholderRecord(
            current.id(),
            current.livemode(),
            or(request.reference(), current.reference()),
            or(request.firstName(), current.firstName()),
            or(request.lastName(), current.lastName()),
            or(request.email(), current.email()),
            or(request.phone(), current.phone()),
            or(request.dateOfBirth(), current.dateOfBirth()),
            request.billingAddress() == null
                ? current.billingAddress()
                : request.billingAddress().toAddress("billing_address"),
            document == null ? current.documentType() : document.type(),
            document == null ? current.documentNumber() : document.number(),
            document == null ? current.documentCountry() : document.country(),
            or(request.kycStatus(), current.kycStatus()),
            Metadata.merged(current.metadata(), request.metadata(), "metadata"),
            current.createdAt(),
            Timestamps.now(clock));
    if (!cardholders.update(realm, updated)) {
      throw referenceTaken(updated.reference());
    }
    return updated.view();
  }

  private static void checkDateOfBirth(LocalDate dateOfBirth) {
    if (dateOfBirth != null && dateOfBirth.isBefore(BORN_AFTER)) {
      throw Problem.invalidField("date_of_birth", "must be after 1900-01-01");
    }
  }

  private static Problem referenceTaken(String reference) {
    return new Problem(
        ProblemCode.REFERENCE_TAKEN,
        "Another cardholder already has the reference " + reference,
        java.util.List.of(new Problem.FieldError("reference", "is already used")));
  }

  private static <T> T or(T given, T current) {
    return given != null ? given : current;
  }
}
