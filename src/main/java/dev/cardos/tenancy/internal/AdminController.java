package dev.cardos.tenancy.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cardos.shared.IdempotentReplay;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.OperatorOnly;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
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

/** The operator's endpoints for tenants, their API keys and the audit log. */
@RestController
@RequestMapping("/v1/admin")
@OperatorOnly
@Tag(name = "operator")
class AdminController {

  private final JdbcTenants tenants;
  private final ApiKeys apiKeys;
  private final KeyDirectory keys;
  private final AuditEntries audit;
  private final Ids ids;
  private final Clock clock;

  AdminController(
      JdbcTenants tenants,
      ApiKeys apiKeys,
      KeyDirectory keys,
      AuditEntries audit,
      Ids ids,
      Clock clock) {
    this.tenants = tenants;
    this.apiKeys = apiKeys;
    this.keys = keys;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  record CreateTenant(@NotBlank @Size(max = 200) String name) {}

  @PostMapping("/tenants")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Create a tenant")
  @Transactional
  Tenant createTenant(@Valid @RequestBody CreateTenant request) {
    Tenant tenant =
        new Tenant(ids.next("ten_"), request.name().strip(), "active", Timestamps.now(clock));
    tenants.insert(tenant);
    return tenant;
  }

  @GetMapping("/tenants")
  @Operation(summary = "List tenants, newest first")
  Page<Tenant> listTenants(
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return tenants.list(PageRequest.of(limit, startingAfter, "ten_"));
  }

  @GetMapping("/tenants/{id}")
  @Operation(summary = "Retrieve a tenant")
  Tenant getTenant(@PathVariable String id) {
    return tenants.find(id).orElseThrow(() -> Problem.notFound("tenant", id));
  }

  record CreateApiKey(
      @NotNull Mode mode,
      @NotEmpty Set<@NotNull Scope> scopes,
      @Size(max = 100) String name,
      @Min(1) @Max(100_000) Integer rateLimitPerSecond) {}

  /** An API key as shown to the operator; {@code secret} is present only in the create answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ApiKeyView(
      String id,
      String tenantId,
      Mode mode,
      String name,
      List<Scope> scopes,
      String secretLast4,
      Integer rateLimitPerSecond,
      Instant createdAt,
      Instant revokedAt,
      String secret) {

    static ApiKeyView of(ApiKey key, String secret) {
      return new ApiKeyView(
          key.id(),
          key.tenantId(),
          key.mode(),
          key.name(),
          key.scopes().stream().sorted().toList(),
          key.secretLast4(),
          key.rateLimitPerSecond(),
          key.createdAt(),
          key.revokedAt(),
          secret);
    }
  }

  @PostMapping("/tenants/{id}/api-keys")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Create an API key for a tenant; the secret is shown only in this answer")
  @Transactional
  ApiKeyView createApiKey(
      @PathVariable String id,
      @Valid @RequestBody CreateApiKey request,
      jakarta.servlet.http.HttpServletRequest http) {
    var issued =
        keys.issueTenantKey(
            id, request.mode(), request.name(), request.scopes(), request.rateLimitPerSecond());
    // The secret is shown in this answer only: a replay under the same Idempotency-Key gets the
    // key without it, so no secret is ever stored with the idempotency record.
    http.setAttribute(IdempotentReplay.REDACTED_BODY_ATTRIBUTE, ApiKeyView.of(issued.key(), null));
    return ApiKeyView.of(issued.key(), issued.secret());
  }

  @GetMapping("/tenants/{id}/api-keys")
  @Operation(summary = "List a tenant's API keys, without secrets")
  Page<ApiKeyView> listApiKeys(
      @PathVariable String id,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    tenants.find(id).orElseThrow(() -> Problem.notFound("tenant", id));
    return apiKeys
        .listForTenant(id, PageRequest.of(limit, startingAfter, KeyDirectory.KEY_ID_PREFIX))
        .map(k -> ApiKeyView.of(k, null));
  }

  @PostMapping("/tenants/{id}/api-keys/{keyId}/revoke")
  @Operation(summary = "Revoke an API key; it stops working at once")
  @Transactional
  ApiKeyView revokeApiKey(@PathVariable String id, @PathVariable String keyId) {
    return ApiKeyView.of(keys.revoke(id, keyId), null);
  }

  @PostMapping("/network-keys")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Create a key for the card network; the secret is shown only in this answer")
  @Transactional
  ApiKeyView createNetworkKey(jakarta.servlet.http.HttpServletRequest http) {
    var issued = keys.issueNetworkKey();
    http.setAttribute(IdempotentReplay.REDACTED_BODY_ATTRIBUTE, ApiKeyView.of(issued.key(), null));
    return ApiKeyView.of(issued.key(), issued.secret());
  }

  @GetMapping("/audit-log")
  @Operation(summary = "Read the audit log, newest first")
  Page<AuditEntry> auditLog(
      @RequestParam(name = "tenant_id", required = false) String tenantId,
      @RequestParam(name = "actor_key_id", required = false) String actorKeyId,
      @RequestParam(name = "object_id", required = false) String objectId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return audit.list(tenantId, actorKeyId, objectId, PageRequest.of(limit, startingAfter, "aud_"));
  }
}
