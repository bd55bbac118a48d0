package dev.cardos.controls.internal;

import dev.cardos.controls.MccGroups;
import dev.cardos.controls.SpendControls;
import dev.cardos.shared.Amounts;
import dev.cardos.shared.Countries;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Problem;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** Checks controls field by field and reads them from their stored JSON form. */
public final class ControlValidation {

  static final JsonMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  private static final int LIST_MAX = 500;

  private ControlValidation() {}

  public static SpendControls validated(SpendControls c, String field) {
    if (c == null) {
      return SpendControls.NONE;
    }
    limit(c.perTransactionLimit(), field + ".per_transaction_limit");
    limit(c.dailyLimit(), field + ".daily_limit");
    limit(c.weeklyLimit(), field + ".weekly_limit");
    limit(c.monthlyLimit(), field + ".monthly_limit");
    limit(c.lifetimeLimit(), field + ".lifetime_limit");
    count(c.dailyCount(), field + ".daily_count");
    count(c.weeklyCount(), field + ".weekly_count");
    count(c.monthlyCount(), field + ".monthly_count");
    count(c.lifetimeCount(), field + ".lifetime_count");
    mccs(c.allowedMccs(), field + ".allowed_mccs");
    mccs(c.blockedMccs(), field + ".blocked_mccs");
    countries(c.allowedCountries(), field + ".allowed_countries");
    countries(c.blockedCountries(), field + ".blocked_countries");
    if (c.allowedCurrencies() != null) {
      size(c.allowedCurrencies(), field + ".allowed_currencies");
      c.allowedCurrencies()
          .forEach(code -> Currencies.require(code, field + ".allowed_currencies"));
    }
    merchants(c.allowedMerchantIds(), field + ".allowed_merchant_ids");
    merchants(c.blockedMerchantIds(), field + ".blocked_merchant_ids");
    return c;
  }

  /** Program-level controls as stored on the program (a JSON object). */
  public static SpendControls fromMap(Map<String, Object> map) {
    if (map == null || map.isEmpty()) {
      return SpendControls.NONE;
    }
    try {
      return validated(JSON.convertValue(map, SpendControls.class), "default_controls");
    } catch (IllegalArgumentException | tools.jackson.core.JacksonException e) {
      throw Problem.invalidField("default_controls", "is not a valid set of spend controls");
    }
  }

  private static void limit(Long value, String field) {
    if (value != null && (value < 0 || value > Amounts.AMOUNT_MAX)) {
      throw Problem.invalidField(field, "must be between 0 (off) and " + Amounts.AMOUNT_MAX);
    }
  }

  private static void count(Integer value, String field) {
    if (value != null && (value < 0 || value > 1_000_000)) {
      throw Problem.invalidField(field, "must be between 0 (off) and 1000000");
    }
  }

  private static void mccs(Set<String> values, String field) {
    if (values == null) {
      return;
    }
    size(values, field);
    for (String v : values) {
      if (!(v != null && (v.matches("[0-9]{4}") || MccGroups.isGroup(v)))) {
        throw Problem.invalidField(
            field, "entries must be 4-digit MCCs or groups " + MccGroups.names());
      }
    }
  }

  private static void countries(Set<String> values, String field) {
    if (values == null) {
      return;
    }
    size(values, field);
    values.forEach(code -> Countries.require(code, field));
  }

  private static void merchants(Set<String> values, String field) {
    if (values == null) {
      return;
    }
    size(values, field);
    for (String v : values) {
      if (v == null || v.isBlank() || v.length() > 50) {
        throw Problem.invalidField(field, "entries must be merchant ids of 1 to 50 characters");
      }
    }
  }

  private static void size(Set<?> values, String field) {
    if (values.size() > LIST_MAX) {
      throw Problem.invalidField(field, "may have at most " + LIST_MAX + " entries");
    }
  }
}
