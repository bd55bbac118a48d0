package dev.cardos.tenancy.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tenancy settings.
 *
 * @param operatorKey an operator key to register at start ({@code CARDOS_OPERATOR_KEY}); when
 *     absent and no operator key exists, one is generated and printed once
 * @param networkKey a card network key to register at start ({@code CARDOS_NETWORK_KEY}, {@code
 *     nk_} and at least 32 characters); the operator can also issue network keys
 * @param rateLimitPerSecond default requests per second per API key ({@code
 *     CARDOS_RATE_LIMIT_PER_SECOND}); a key may carry its own
 * @param networkRateLimitPerSecond requests per second a card network key may make unless it
 *     carries its own limit ({@code CARDOS_NETWORK_RATE_LIMIT_PER_SECOND}): the network sends every
 *     cardholder's payments, so its default is far above a tenant key's
 * @param keyCacheSeconds how long a resolved API key is trusted before it is read again; a
 *     revocation on this node takes effect at once, on others within this time
 */
@ConfigurationProperties("cardos.tenancy")
record TenancyProperties(
    String operatorKey,
    String networkKey,
    @DefaultValue("100") int rateLimitPerSecond,
    @DefaultValue("50000") int networkRateLimitPerSecond,
    @DefaultValue("5") int keyCacheSeconds) {}
