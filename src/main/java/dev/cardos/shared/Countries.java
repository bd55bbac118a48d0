package dev.cardos.shared;

import java.util.Locale;
import java.util.Set;

/** ISO 3166-1 alpha-2 country codes. */
public final class Countries {

  private static final Set<String> CODES = Set.of(Locale.getISOCountries());

  private Countries() {}

  public static boolean isValid(String code) {
    return code != null && CODES.contains(code);
  }

  /** Refuses a code that is not an ISO 3166-1 alpha-2 country, naming the field. */
  public static String require(String code, String field) {
    if (!isValid(code)) {
      throw Problem.invalidField(field, "must be an ISO 3166-1 alpha-2 country code such as US");
    }
    return code;
  }
}
