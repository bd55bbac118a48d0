package dev.cardos.tenancy.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Problem;
import dev.cardos.shared.Timestamps;
import dev.cardos.tenancy.Caller;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.Scope;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * Issues, resolves and revokes API keys. Resolution is cached briefly because it runs on every
 * request; the cache holds the resolved caller under the secret's hash, never the secret.
 */
@Service
class KeyDirectory {

  static final String KEY_ID_PREFIX = "key_";

  private final ApiKeys apiKeys;
  private final JdbcTenants tenants;
  private final Ids ids;
  private final Clock clock;
  private final TenancyProperties properties;
  private final Cache<String, Optional<Caller>> resolved;

  KeyDirectory(
      ApiKeys apiKeys, JdbcTenants tenants, Ids ids, Clock clock, TenancyProperties properties) {
    this.apiKeys = apiKeys;
    this.tenants = tenants;
    this.ids = ids;
    this.clock = clock;
    this.properties = properties;
    this.resolved =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofSeconds(properties.keyCacheSeconds()))
            .build();
  }

  /** The caller a bearer secret stands for, or empty when it is unknown or revoked. */
  Optional<Caller> authenticate(String secret) {
    if (!Secrets.looksLikeKey(secret)) {
      return Optional.empty();
    }
    byte[] hash = Secrets.hash(secret);
    return resolved.get(
        HexFormat.of().formatHex(hash),
        h -> apiKeys.findBySecretHash(hash).filter(k -> !k.revoked()).map(this::caller));
  }

  private Caller caller(ApiKey key) {
    int rate =
        key.rateLimitPerSecond() != null
            ? key.rateLimitPerSecond()
            : key.network()
                ? properties.networkRateLimitPerSecond()
                : properties.rateLimitPerSecond();
    if (key.operator()) {
      return new Caller.Operator(key.id(), rate);
    }
    if (key.network()) {
      return new Caller.Network(key.id(), rate);
    }
    return new Caller.TenantKey(
        key.id(), new Realm(key.tenantId(), key.mode()), key.scopes(), rate);
  }

  /** A new tenant key; the returned secret exists only in this answer. */
  IssuedKey issueTenantKey(
      String tenantId, Mode mode, String name, Set<Scope> scopes, Integer rateLimitPerSecond) {
    tenants.find(tenantId).orElseThrow(() -> Problem.notFound("tenant", tenantId));
    String secret = Secrets.generate("ck_" + mode.wire() + "_");
    ApiKey key =
        new ApiKey(
            ids.next(KEY_ID_PREFIX),
            "tenant",
            tenantId,
            mode,
            name,
            scopes,
            Secrets.last4(secret),
            rateLimitPerSecond,
            Timestamps.now(clock),
            null);
    apiKeys.insert(key, Secrets.hash(secret));
    return new IssuedKey(key, secret);
  }

  /** Registers an operator key whose secret is already known (generated or configured). */
  void registerOperatorKey(String secret) {
    registerPlatformKey(secret, "operator");
  }

  /** Registers a card network key whose secret is already known (configured). */
  void registerNetworkKey(String secret) {
    registerPlatformKey(secret, "network");
  }

  /** A new network key; the returned secret exists only in this answer. */
  IssuedKey issueNetworkKey() {
    String secret = Secrets.generate("nk_");
    registerNetworkKey(secret);
    return new IssuedKey(apiKeys.findBySecretHash(Secrets.hash(secret)).orElseThrow(), secret);
  }

  private void registerPlatformKey(String secret, String role) {
    byte[] hash = Secrets.hash(secret);
    if (apiKeys.findBySecretHash(hash).isPresent()) {
      return;
    }
    apiKeys.insert(
        new ApiKey(
            ids.next(KEY_ID_PREFIX),
            role,
            null,
            null,
            role,
            Set.of(),
            Secrets.last4(secret),
            null,
            Timestamps.now(clock),
            null),
        hash);
  }

  ApiKey revoke(String tenantId, String keyId) {
    ApiKey key =
        apiKeys
            .revoke(tenantId, keyId, Timestamps.now(clock))
            .orElseThrow(() -> Problem.notFound("api key", keyId));
    // Forget every resolved key on this node: the revoked one must stop working at once.
    resolved.invalidateAll();
    return key;
  }

  /** A key together with its secret, as returned once on creation. */
  record IssuedKey(ApiKey key, String secret) {}
}
