package dev.cardos.programs.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cardos.keys.KeyPurpose;
import dev.cardos.keys.Keys;
import dev.cardos.programs.BinRange;
import dev.cardos.programs.CardForm;
import dev.cardos.programs.Network;
import dev.cardos.programs.Program;
import dev.cardos.programs.ProgramKind;
import dev.cardos.programs.RevealPolicy;
import dev.cardos.shared.Amounts;
import dev.cardos.shared.Countries;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.OperatorOnly;
import dev.cardos.tenancy.Tenants;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The operator records sponsors and BIN ranges and offers programs to tenants. */
@RestController
@RequestMapping("/v1/admin")
@OperatorOnly
@Tag(name = "operator")
class ProgramAdminController {

  private static final Set<String> FEATURES =
      Set.of("three_ds", "silent_three_ds", "atm", "apple_pay", "google_pay");

  private final JdbcPrograms programs;
  private final Keys keys;
  private final Ids ids;
  private final Clock clock;
  private final Tenants tenants;

  ProgramAdminController(JdbcPrograms programs, Keys keys, Ids ids, Clock clock, Tenants tenants) {
    this.programs = programs;
    this.keys = keys;
    this.ids = ids;
    this.clock = clock;
    this.tenants = tenants;
  }

  record CreateSponsor(
      @NotBlank @Size(max = 200) String name,
      @NotNull String country,
      @NotNull @Size(max = 50) List<@NotBlank @Size(max = 50) String> regions) {}

  @PostMapping("/sponsors")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Record a sponsor bank")
  @Transactional
  JdbcPrograms.Sponsor createSponsor(@Valid @RequestBody CreateSponsor request) {
    Countries.require(request.country(), "country");
    JdbcPrograms.Sponsor sponsor =
        new JdbcPrograms.Sponsor(
            ids.next("spn_"),
            request.name().strip(),
            request.country(),
            request.regions(),
            Timestamps.now(clock));
    programs.insertSponsor(sponsor);
    return sponsor;
  }

  record CreateBinRange(
      @NotNull @Pattern(regexp = "[0-9]{6,8}", message = "must be 6 to 8 digits") String bin,
      @NotNull Network network,
      @NotNull String sponsorId,
      @NotNull String country,
      @Min(13) @Max(19) Integer panLength,
      @NotEmpty @Size(max = 20) List<@NotNull String> currencies,
      @NotEmpty Set<@NotNull CardForm> forms,
      @Size(max = 10) Set<@NotNull String> features) {}

  @PostMapping("/bin-ranges")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      summary = "Record a BIN range; its CVK, PVK and PIN keys are generated in the key store")
  @Transactional
  BinRange createBinRange(@Valid @RequestBody CreateBinRange request) {
    programs
        .sponsor(request.sponsorId())
        .orElseThrow(() -> Problem.notFound("sponsor", request.sponsorId()));
    Countries.require(request.country(), "country");
    for (int i = 0; i < request.currencies().size(); i++) {
      Currencies.require(request.currencies().get(i), "currencies[" + i + "]");
    }
    Set<String> features = request.features() == null ? Set.of() : request.features();
    for (String feature : features) {
      if (!FEATURES.contains(feature)) {
        throw Problem.invalidField(
            "features", "must be among " + FEATURES.stream().sorted().toList());
      }
    }
    int panLength = request.panLength() == null ? 16 : request.panLength();
    // At least 6 account digits between the BIN and the check digit, so a range holds a million.
    if (panLength < request.bin().length() + 7) {
      throw Problem.invalidField(
          "pan_length",
          "must leave at least 6 account digits after the BIN and before the check digit");
    }
    BinRange range =
        new BinRange(
            ids.next("bin_"),
            request.bin(),
            request.network(),
            request.sponsorId(),
            request.country(),
            panLength,
            request.currencies(),
            request.forms().stream().sorted().toList(),
            features.stream().sorted().toList(),
            keys.generate(KeyPurpose.CVK),
            keys.generate(KeyPurpose.PVK),
            keys.generate(KeyPurpose.PIN_TDES),
            keys.generate(KeyPurpose.PIN_AES),
            Timestamps.now(clock));
    if (!programs.insertBinRange(range)) {
      throw new Problem(
          ProblemCode.BIN_TAKEN,
          "The BIN " + request.bin() + " is already recorded",
          List.of(new Problem.FieldError("bin", "is already recorded")));
    }
    return range;
  }

  enum StandIn {
    @JsonProperty("approve")
    APPROVE,
    @JsonProperty("decline")
    DECLINE
  }

  record DecisionWebhook(
      @NotNull @Size(max = 2000) String url,
      @Min(1) @Max(2000) Integer budgetMs,
      StandIn standIn) {}

  record CreateProgram(
      @NotNull String tenantId,
      @NotBlank @Size(max = 200) String name,
      @NotNull String binRangeId,
      @NotNull ProgramKind kind,
      @NotNull String currency,
      @NotEmpty @Size(max = 250) List<@NotNull String> markets,
      @Size(max = 50) Map<String, Object> defaultControls,
      Long issuanceFeeVirtual,
      Long issuanceFeePhysical,
      @Min(0) @Max(2000) Integer fxMarkupBps,
      @Min(1) @Max(120) Integer validityMonths,
      @Min(1) @Max(10_000) Integer maxCardsPerCardholder,
      @NotNull RevealPolicy revealPolicy,
      Boolean renewOnExpiry,
      @Min(1) @Max(31) Integer holdExpiryDays,
      @Size(max = 64) String timeZone,
      @Valid DecisionWebhook decisionWebhook,
      @Min(1) @Max(540) Integer disputeWindowDays,
      Boolean provisionalCredit) {}

  @PostMapping("/programs")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Offer a card program to a tenant")
  @Transactional
  Program createProgram(@Valid @RequestBody CreateProgram request) {
    if (!tenants.exists(request.tenantId())) {
      throw Problem.notFound("tenant", request.tenantId());
    }
    BinRange range =
        programs
            .binRange(request.binRangeId())
            .orElseThrow(() -> Problem.notFound("BIN range", request.binRangeId()));
    Currencies.require(request.currency(), "currency");
    if (!range.currencies().contains(request.currency())) {
      throw Problem.invalidField(
          "currency", "must be one of the BIN range's " + range.currencies());
    }
    for (int i = 0; i < request.markets().size(); i++) {
      Countries.require(request.markets().get(i), "markets[" + i + "]");
    }
    dev.cardos.controls.Controls.fromProgram(request.defaultControls());
    String timeZone = request.timeZone() == null ? "UTC" : request.timeZone();
    try {
      ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      throw Problem.invalidField("time_zone", "must be an IANA time zone such as Europe/Berlin");
    }
    DecisionWebhook webhook = request.decisionWebhook();
    if (webhook != null) {
      requireHttpUrl(webhook.url());
    }
    Program program =
        new Program(
            ids.next("prg_"),
            request.tenantId(),
            request.name().strip(),
            range.id(),
            request.kind(),
            request.currency(),
            request.markets(),
            request.defaultControls(),
            fee(request.issuanceFeeVirtual(), "issuance_fee_virtual"),
            fee(request.issuanceFeePhysical(), "issuance_fee_physical"),
            request.fxMarkupBps() == null ? 0 : request.fxMarkupBps(),
            request.validityMonths() == null ? 36 : request.validityMonths(),
            request.maxCardsPerCardholder(),
            request.revealPolicy(),
            request.renewOnExpiry() == null || request.renewOnExpiry(),
            request.holdExpiryDays() == null ? 7 : request.holdExpiryDays(),
            timeZone,
            webhook == null ? null : webhook.url(),
            webhook == null || webhook.budgetMs() == null ? 50 : webhook.budgetMs(),
            webhook == null || webhook.standIn() == null
                ? "decline"
                : webhook.standIn().name().toLowerCase(java.util.Locale.ROOT),
            "enabled",
            Timestamps.now(clock),
            webhook == null ? null : keys.generate(KeyPurpose.WEBHOOK_SECRET),
            request.disputeWindowDays() == null ? 120 : request.disputeWindowDays(),
            Boolean.TRUE.equals(request.provisionalCredit()));
    programs.insertProgram(program);
    return program;
  }

  @GetMapping("/programs")
  @Operation(summary = "List programs, newest first")
  Page<Program> listPrograms(
      @RequestParam(name = "tenant_id", required = false) String tenantId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return programs.list(tenantId, false, PageRequest.of(limit, startingAfter, "prg_"));
  }

  private static long fee(Long given, String field) {
    if (given == null) {
      return 0;
    }
    if (given < 0 || given > Amounts.AMOUNT_MAX) {
      throw Problem.invalidField(field, "must be between 0 and " + Amounts.AMOUNT_MAX);
    }
    return given;
  }

  private static void requireHttpUrl(String url) {
    try {
      URI uri = URI.create(url);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw Problem.invalidField("decision_webhook.url", "must be an http or https URL");
      }
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField("decision_webhook.url", "must be an http or https URL");
    }
  }
}
