package dev.cardos.shared;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Free key/value pairs a tenant attaches to its objects to link them to its own (user, wallet,
 * project, employee, budget...). At most 50 keys of 1 to 40 characters, values up to 500.
 */
public final class Metadata {

  public static final int KEYS_MAX = 50;
  public static final int KEY_LENGTH_MAX = 40;
  public static final int VALUE_LENGTH_MAX = 500;

  private Metadata() {}

  /** Validates a metadata map given in a request, naming the offending key. */
  public static Map<String, String> validated(Map<String, String> metadata, String field) {
    if (metadata == null) {
      return Map.of();
    }
    if (metadata.size() > KEYS_MAX) {
      throw Problem.invalidField(field, "may have at most " + KEYS_MAX + " keys");
    }
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      String key = entry.getKey();
      if (key.isEmpty() || key.length() > KEY_LENGTH_MAX) {
        throw Problem.invalidField(
            field, "keys must have 1 to " + KEY_LENGTH_MAX + " characters: " + abbreviate(key));
      }
      String value = entry.getValue();
      if (value == null) {
        throw Problem.invalidField(field + "." + key, "must be a string");
      }
      if (value.length() > VALUE_LENGTH_MAX) {
        throw Problem.invalidField(
            field + "." + key, "must have at most " + VALUE_LENGTH_MAX + " characters");
      }
    }
    return new LinkedHashMap<>(metadata);
  }

  /** Applies an update: each given key is set, and a key given with an empty value is removed. */
  public static Map<String, String> merged(
      Map<String, String> current, Map<String, String> update, String field) {
    if (update == null) {
      return current;
    }
    Map<String, String> result = new LinkedHashMap<>(current);
    validated(update, field)
        .forEach(
            (key, value) -> {
              if (value.isEmpty()) {
                result.remove(key);
              } else {
                result.put(key, value);
              }
            });
    if (result.size() > KEYS_MAX) {
      throw Problem.invalidField(field, "may have at most " + KEYS_MAX + " keys");
    }
    return result;
  }

  private static String abbreviate(String key) {
    return key.length() > KEY_LENGTH_MAX ? key.substring(0, KEY_LENGTH_MAX) + "..." : key;
  }
}
