package dev.cardos.api.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Query parameters spell enums as the JSON does ({@code ?kyc_status=verified}), by each constant's
 * {@code @JsonProperty} name; anything else (the Java name, a number) is refused as an invalid
 * parameter.
 */
@Configuration(proxyBeanMethods = false)
class WireEnumConversion implements WebMvcConfigurer {

  @Override
  public void addFormatters(FormatterRegistry registry) {
    registry.addConverterFactory(new WireEnums());
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class WireEnums implements ConverterFactory<String, Enum> {
    @Override
    public <T extends Enum> Converter<String, T> getConverter(Class<T> type) {
      return value -> {
        for (T constant : type.getEnumConstants()) {
          if (wireName(type, constant).equals(value)) {
            return constant;
          }
        }
        throw new IllegalArgumentException("not a valid value: " + value);
      };
    }

    private static String wireName(Class<?> type, Enum<?> constant) {
      try {
        JsonProperty property = type.getField(constant.name()).getAnnotation(JsonProperty.class);
        return property != null
            ? property.value()
            : constant.name().toLowerCase(java.util.Locale.ROOT);
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
