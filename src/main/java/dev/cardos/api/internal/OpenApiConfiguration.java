package dev.cardos.api.internal;

import dev.cardos.tenancy.Caller;
import dev.cardos.tenancy.Realm;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI 3.1 document served at {@code /openapi.json} and checked in as docs/openapi.json. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  static {
    // Handlers take the caller and its realm as parameters, but they come from the API key, not
    // from the request: they are no part of the documented API.
    SpringDocUtils.getConfig().addRequestWrapperToIgnore(Realm.class, Caller.class);
  }

  @Bean
  OpenAPI cardosOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("CardOS API")
                .version("v1")
                .description(
                    "Issue, fund and control payment cards, and decide every card payment in real"
                        + " time. Authenticate with 'Authorization: Bearer <key>': the operator's"
                        + " op_ key for /v1/admin, a tenant's ck_test_ or ck_live_ key elsewhere.")
                .license(new License().name("Apache-2.0")))
        .components(
            new Components()
                .addSecuritySchemes(
                    "apiKey",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("An operator key (op_...) or tenant key (ck_...)")))
        .addSecurityItem(new SecurityRequirement().addList("apiKey"));
  }
}
