package dev.cardos.tenancy.internal;

import java.io.PrintStream;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Makes sure the operator can get in. A key given by {@code CARDOS_OPERATOR_KEY} is registered;
 * otherwise, on the very first start (no operator key at all), one is generated and shown once on
 * the console. It goes to the terminal directly, not through logging, because log files are kept
 * and shipped while this secret must exist in exactly one place: the operator's hands.
 *
 * <p>It runs once every bean exists and before the web server starts, so no request (and no {@code
 * /health} poller that then calls at once) ever meets the server without its keys.
 */
@Component
class OperatorKeyBootstrap implements SmartInitializingSingleton {

  private final KeyDirectory keys;
  private final ApiKeys apiKeys;
  private final TenancyProperties properties;
  private final PrintStream console;

  private final Environment environment;

  OperatorKeyBootstrap(
      KeyDirectory keys, ApiKeys apiKeys, TenancyProperties properties, Environment environment) {
    this.keys = keys;
    this.environment = environment;
    this.apiKeys = apiKeys;
    this.properties = properties;
    this.console = System.out;
  }

  @Override
  @Transactional
  public void afterSingletonsInstantiated() {
    String network = properties.networkKey();
    if (network != null && !network.isBlank()) {
      if (!network.startsWith("nk_") || network.length() < 35) {
        throw new IllegalStateException(
            "CARDOS_NETWORK_KEY must start with nk_ and have at least 32 characters after it");
      }
      keys.registerNetworkKey(network);
    }
    String configured = properties.operatorKey();
    if (configured != null && !configured.isBlank()) {
      if (!configured.startsWith("op_") || configured.length() < 35) {
        throw new IllegalStateException(
            "CARDOS_OPERATOR_KEY must start with op_ and have at least 32 characters after it");
      }
      keys.registerOperatorKey(configured);
      return;
    }
    if (apiKeys.anyActiveOperatorKey()) {
      return;
    }
    String secret = Secrets.generate("op_");
    keys.registerOperatorKey(secret);
    console.println(
        """

        ================================================================================
         CardOS operator key (shown only this once; store it in your secret manager):

           export CARDOS_OPERATOR_KEY=%s

         Next: create a tenant, then a test key for it:
           curl -s -X POST http://localhost:%s/v1/admin/tenants \\
             -H "Authorization: Bearer $CARDOS_OPERATOR_KEY" \\
             -H 'Content-Type: application/json' -d '{"name": "Acme"}'
         The README's first session walks through the rest; the API is described at
         http://localhost:%2$s/openapi.json
        ================================================================================
        """
            .formatted(secret, environment.getProperty("server.port", "8080")));
  }
}
