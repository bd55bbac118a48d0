package dev.cardos.api.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import org.springdoc.core.providers.ObjectMapperProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Names schema properties in the OpenAPI document as the API writes them: snake_case. The API's
 * JSON comes from Jackson 3 ({@link JsonConfiguration}), but springdoc builds schemas with
 * swagger-core's {@link ModelResolver}, which introspects types with its own Jackson 2 mapper and
 * so never sees that naming strategy; without this the document promised {@code firstName} where
 * the API sends and accepts {@code first_name}. Springdoc replaces its default resolver with this
 * bean.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiSchemaNaming {

  @Bean
  ModelResolver snakeCaseModelResolver(ObjectMapperProvider mappers) {
    ObjectMapper mapper =
        mappers.jsonMapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    return new ModelResolver(mapper).openapi31(mappers.isOpenapi31());
  }
}
