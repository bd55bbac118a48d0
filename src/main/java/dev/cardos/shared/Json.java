package dev.cardos.shared;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** JSON for columns of type {@code jsonb} that hold plain string maps, such as metadata. */
public final class Json {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP =
      new TypeReference<>() {};

  private Json() {}

  public static String write(Object value) {
    return MAPPER.writeValueAsString(value);
  }

  public static Map<String, String> readStringMap(String json) {
    return json == null ? Map.of() : MAPPER.readValue(json, STRING_MAP);
  }
}
