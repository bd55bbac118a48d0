package dev.cardos.api.internal;

import dev.cardos.shared.FilterOrder;
import dev.cardos.shared.IdempotentReplay;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Problem;
import dev.cardos.shared.ProblemCode;
import dev.cardos.shared.ProblemResponses;
import dev.cardos.tenancy.AuditLog;
import dev.cardos.tenancy.AuditLog.AuditRecord;
import dev.cardos.tenancy.Caller;
import dev.cardos.tenancy.Mode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs every authenticated write ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE} under
 * {@code /v1}) as one database transaction that also holds its idempotency record and its audit
 * entry. The answer is buffered and sent only after the commit, so a client that sees a 2xx knows
 * the effect is durable. A 4xx or 5xx rolls back everything the handler wrote (nothing is written
 * on a rejected request) and is audited in a transaction of its own; it is not stored under the
 * idempotency key, so the client may correct the request and retry with the same key.
 */
@Component
@Order(FilterOrder.WRITE_TRANSACTION)
class WriteTransactions extends OncePerRequestFilter {

  private static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
  private static final int IDEMPOTENCY_KEY_LENGTH_MAX = 255;
  private static final String ADMIN_TENANT_ROUTE = "/v1/admin/tenants/{id}";
  private static final String ADMIN_TENANTS_ROUTE = "/v1/admin/tenants";

  private final PlatformTransactionManager transactions;
  private final IdempotencyRecords idempotency;
  private final AuditLog audit;
  private final ApiProperties properties;
  private final JsonMapper json;

  WriteTransactions(
      PlatformTransactionManager transactions,
      IdempotencyRecords idempotency,
      AuditLog audit,
      ApiProperties properties,
      JsonMapper json) {
    this.transactions = transactions;
    this.idempotency = idempotency;
    this.audit = audit;
    this.properties = properties;
    this.json = json;
  }

  /**
   * Authorizations keep no connection while the tenant's decision webhook thinks: they run their
   * own short transactions and are deduplicated by network transaction id, not Idempotency-Key.
   */
  private static boolean ownTransactions(String path) {
    return path.startsWith("/v1/network/") || path.equals("/v1/simulate/authorizations");
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !path.startsWith("/v1/")
        || !WRITE_METHODS.contains(request.getMethod())
        || ownTransactions(path);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Caller caller = Caller.of(request).orElse(null);
    if (caller == null) {
      chain.doFilter(request, response);
      return;
    }
    String idempotencyKey = request.getHeader(IDEMPOTENCY_HEADER);
    if (idempotencyKey != null && !validIdempotencyKey(idempotencyKey)) {
      refuse(
          new Problem(
              ProblemCode.IDEMPOTENCY_KEY_INVALID,
              "Idempotency-Key must be 1 to 255 printable ASCII characters"),
          request,
          response,
          caller);
      return;
    }
    CachedBodyRequest cached = CachedBodyRequest.read(request, properties.maxBodyBytes());
    if (cached == null) {
      refuse(
          new Problem(
              ProblemCode.PAYLOAD_TOO_LARGE,
              "The request body exceeds " + properties.maxBodyBytes() + " bytes"),
          request,
          response,
          caller);
      return;
    }
    ContentCachingResponseWrapper buffered = new ContentCachingResponseWrapper(response);
    TransactionStatus tx = transactions.getTransaction(new DefaultTransactionDefinition());
    boolean committed = false;
    try {
      if (idempotencyKey != null && "POST".equals(request.getMethod())) {
        String scope = idempotencyScope(caller);
        byte[] hash = requestHash(cached, caller);
        Optional<IdempotencyRecords.StoredResponse> earlier =
            idempotency.claim(scope, idempotencyKey, hash);
        if (earlier.isPresent()) {
          transactions.rollback(tx);
          committed = true; // nothing of ours to undo
          if (!Arrays.equals(earlier.get().requestHash(), hash)) {
            refuse(
                new Problem(
                    ProblemCode.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was first used with a different method, path, body or"
                        + " API key"),
                cached,
                response,
                caller);
            return;
          }
          replay(earlier.get(), buffered);
          buffered.copyBodyToResponse();
          return;
        }
        chain.doFilter(cached, buffered);
        if (buffered.getStatus() < 400) {
          Object redacted = cached.getAttribute(IdempotentReplay.REDACTED_BODY_ATTRIBUTE);
          idempotency.complete(
              scope,
              idempotencyKey,
              buffered.getStatus(),
              buffered.getContentType(),
              redacted != null
                  ? json.writeValueAsBytes(redacted)
                  : buffered.getContentAsByteArray());
        }
      } else {
        chain.doFilter(cached, buffered);
      }
      if (buffered.getStatus() < 400) {
        audit.record(auditRecord(cached, buffered, caller));
        transactions.commit(tx);
        committed = true;
      }
    } finally {
      if (!committed) {
        if (!tx.isCompleted()) {
          transactions.rollback(tx);
        }
        int status = buffered.getStatus() < 400 ? 500 : buffered.getStatus();
        auditAlone(auditRecord(cached, buffered, caller).withOutcome(status));
      }
    }
    buffered.copyBodyToResponse();
  }

  /**
   * Answers a write refused before it ran. The refusal is audited (in its own transaction) before
   * the answer leaves, so a client that sees the answer also finds it in the audit log.
   */
  private void refuse(
      Problem problem, HttpServletRequest request, HttpServletResponse response, Caller caller)
      throws IOException {
    response.setStatus(problem.code().status());
    auditAlone(auditRecord(request, response, caller));
    ProblemResponses.write(problem, request, response);
  }

  private void auditAlone(AuditRecord record) {
    new TransactionTemplate(transactions).executeWithoutResult(s -> audit.record(record));
  }

  private void replay(IdempotencyRecords.StoredResponse earlier, HttpServletResponse response)
      throws IOException {
    response.setStatus(earlier.status());
    if (earlier.contentType() != null) {
      response.setContentType(earlier.contentType());
    }
    response.setHeader("Idempotent-Replayed", "true");
    if (earlier.body() != null) {
      response.getOutputStream().write(earlier.body());
    }
  }

  private AuditRecord auditRecord(
      HttpServletRequest request, HttpServletResponse response, Caller caller) {
    String pattern = (String) request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    String action =
        request.getMethod() + " " + (pattern != null ? pattern : request.getRequestURI());
    String tenantId = null;
    Mode mode = null;
    if (caller instanceof Caller.TenantKey key) {
      tenantId = key.realm().tenantId();
      mode = key.realm().mode();
    } else if (pattern != null && pattern.startsWith(ADMIN_TENANT_ROUTE)) {
      tenantId = pathVariables(request).get("id");
    }
    String objectId = objectId(request, response);
    if (ADMIN_TENANTS_ROUTE.equals(pattern)) {
      // Creating a tenant is the first event in its history: file it under the tenant.
      tenantId = objectId;
    }
    return new AuditRecord(
        caller.keyId(),
        tenantId,
        mode,
        action,
        objectId,
        response.getStatus(),
        request.getRemoteAddr(),
        (String) request.getAttribute(ProblemResponses.REQUEST_ID_ATTRIBUTE));
  }

  /** The object acted on: the {@code id} of a JSON answer, else the path's last variable. */
  private String objectId(HttpServletRequest request, HttpServletResponse response) {
    String type = response.getContentType();
    if (response instanceof ContentCachingResponseWrapper buffered
        && response.getStatus() < 300
        && type != null
        && type.startsWith("application/json")) {
      try {
        JsonNode id = json.readTree(buffered.getContentAsByteArray()).get("id");
        if (id != null && id.isString()) {
          return id.asString();
        }
      } catch (RuntimeException e) {
        // Not an object with an id; fall back to the path.
      }
    }
    String last = null;
    for (String value : pathVariables(request).values()) {
      last = value;
    }
    // Only ids go into the append-only log: never whatever else a client put in the path.
    return Ids.looksLikeId(last) ? last : null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> pathVariables(HttpServletRequest request) {
    Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    return variables == null ? Map.of() : (Map<String, String>) variables;
  }

  private static String idempotencyScope(Caller caller) {
    return switch (caller) {
      case Caller.Operator operator -> "operator";
      case Caller.Network network -> "network";
      case Caller.TenantKey key -> key.realm().tenantId() + "/" + key.realm().mode().wire();
    };
  }

  private static boolean validIdempotencyKey(String key) {
    return !key.isEmpty()
        && key.length() <= IDEMPOTENCY_KEY_LENGTH_MAX
        && key.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  /**
   * What makes a request the same request: its method, path, body and the API key that sent it. A
   * replay is answered before the endpoint's scope check, so another key of the same tenant, one
   * without the scope, must not be handed the first key's answer.
   */
  private static byte[] requestHash(CachedBodyRequest request, Caller caller) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(
          (request.getMethod()
                  + " "
                  + request.getRequestURI()
                  + "\n"
                  + (caller == null ? "" : caller.keyId())
                  + "\n")
              .getBytes(StandardCharsets.UTF_8));
      digest.update(request.body());
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
