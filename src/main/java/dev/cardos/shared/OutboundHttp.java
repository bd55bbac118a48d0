package dev.cardos.shared;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The client CardOS calls tenants' endpoints with (decision webhooks, event deliveries): pooled
 * keep-alive connections, calls that block their own virtual thread (no hand-off to a selector
 * thread and back), and nothing done behind the caller's back: no retries, redirects, cookies or
 * cached credentials. Each call sets its own response timeout.
 */
public final class OutboundHttp {

  private OutboundHttp() {}

  /** {@code resolver} may be null for the system's. */
  public static CloseableHttpClient client(
      int maxConnections, int maxPerEndpoint, Timeout connectTimeout, DnsResolver resolver) {
    var connections =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(maxConnections)
            .setMaxConnPerRoute(maxPerEndpoint)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(connectTimeout)
                    // A connection idle for a while may have been closed by the tenant's server:
                    // checked before reuse, so the call does not fail on it.
                    .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                    .setTimeToLive(TimeValue.ofMinutes(5))
                    .build());
    if (resolver != null) {
      connections.setDnsResolver(resolver);
    }
    return HttpClients.custom()
        .setConnectionManager(connections.build())
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAuthCaching()
        .evictIdleConnections(TimeValue.ofSeconds(30))
        .build();
  }
}
