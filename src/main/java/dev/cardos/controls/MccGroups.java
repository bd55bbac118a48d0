package dev.cardos.controls;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Named groups of merchant category codes (ISO 18245), so a tenant can block {@code gambling}
 * rather than list its codes. A control list may mix codes and group names.
 */
public final class MccGroups {

  private static final Map<String, Set<String>> GROUPS =
      Map.of(
          "advertising", Set.of("7311", "7319", "7333", "5968"),
          "travel",
              Set.of(
                  "3000", "3001", "3005", "3007", "3008", "3010", "4111", "4112", "4131", "4411",
                  "4511", "4582", "4722", "4789", "7011", "7012", "7512", "7513", "7519"),
          "gambling", Set.of("7800", "7801", "7802", "7995"),
          "cash", Set.of("4829", "6010", "6011", "6012", "6051", "6540"),
          "digital_goods", Set.of("5815", "5816", "5817", "5818"));

  private MccGroups() {}

  public static boolean isGroup(String name) {
    return GROUPS.containsKey(name);
  }

  public static Set<String> names() {
    return new TreeSet<>(GROUPS.keySet());
  }

  /** The codes a list of codes and group names stands for. */
  public static Set<String> expand(Set<String> codesAndGroups) {
    Set<String> codes = new TreeSet<>();
    for (String entry : codesAndGroups) {
      codes.addAll(GROUPS.getOrDefault(entry, Set.of(entry)));
    }
    return codes;
  }
}
