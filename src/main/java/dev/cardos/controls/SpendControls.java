package dev.cardos.controls;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One level's spend controls. Amounts are minor units of the card's account currency; a limit of 0
 * or null is off. Lists: an allow list, when present, admits only its entries; a block list refuses
 * its entries. MCC lists may name groups ({@link MccGroups}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SpendControls(
    Long perTransactionLimit,
    Long dailyLimit,
    Long weeklyLimit,
    Long monthlyLimit,
    Long lifetimeLimit,
    Integer dailyCount,
    Integer weeklyCount,
    Integer monthlyCount,
    Integer lifetimeCount,
    Set<String> allowedMccs,
    Set<String> blockedMccs,
    Set<String> allowedCountries,
    Set<String> blockedCountries,
    Set<String> allowedCurrencies,
    Set<String> allowedMerchantIds,
    Set<String> blockedMerchantIds,
    Set<Channel> allowedChannels,
    Set<Channel> blockedChannels) {

  public static final SpendControls NONE =
      new SpendControls(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null);

  /** The most restrictive combination: the smallest limit, intersected allows, united blocks. */
  public static SpendControls mostRestrictive(List<SpendControls> levels) {
    SpendControls result = NONE;
    for (SpendControls level : levels) {
      if (level != null) {
        result = result.and(level);
      }
    }
    return result;
  }

  private SpendControls and(SpendControls o) {
    return new SpendControls(
        min(perTransactionLimit, o.perTransactionLimit),
        min(dailyLimit, o.dailyLimit),
        min(weeklyLimit, o.weeklyLimit),
        min(monthlyLimit, o.monthlyLimit),
        min(lifetimeLimit, o.lifetimeLimit),
        minInt(dailyCount, o.dailyCount),
        minInt(weeklyCount, o.weeklyCount),
        minInt(monthlyCount, o.monthlyCount),
        minInt(lifetimeCount, o.lifetimeCount),
        intersect(expandOrNull(allowedMccs), expandOrNull(o.allowedMccs)),
        union(expandOrNull(blockedMccs), expandOrNull(o.blockedMccs)),
        intersect(allowedCountries, o.allowedCountries),
        union(blockedCountries, o.blockedCountries),
        intersect(allowedCurrencies, o.allowedCurrencies),
        intersect(allowedMerchantIds, o.allowedMerchantIds),
        union(blockedMerchantIds, o.blockedMerchantIds),
        intersect(allowedChannels, o.allowedChannels),
        union(blockedChannels, o.blockedChannels));
  }

  /** Limits that are switched on, each with its window. */
  public List<WindowLimit> amountLimits() {
    List<WindowLimit> limits = new ArrayList<>();
    add(limits, Window.DAY, dailyLimit);
    add(limits, Window.WEEK, weeklyLimit);
    add(limits, Window.MONTH, monthlyLimit);
    add(limits, Window.LIFETIME, lifetimeLimit);
    return limits;
  }

  public List<WindowLimit> countLimits() {
    List<WindowLimit> limits = new ArrayList<>();
    add(limits, Window.DAY, dailyCount == null ? null : dailyCount.longValue());
    add(limits, Window.WEEK, weeklyCount == null ? null : weeklyCount.longValue());
    add(limits, Window.MONTH, monthlyCount == null ? null : monthlyCount.longValue());
    add(limits, Window.LIFETIME, lifetimeCount == null ? null : lifetimeCount.longValue());
    return limits;
  }

  /** A limit on one window. */
  public record WindowLimit(Window window, long limit) {}

  private static void add(List<WindowLimit> limits, Window window, Long limit) {
    if (limit != null && limit > 0) {
      limits.add(new WindowLimit(window, limit));
    }
  }

  private static Long min(Long a, Long b) {
    Long x = a == null || a == 0 ? null : a;
    Long y = b == null || b == 0 ? null : b;
    if (x == null) {
      return y;
    }
    return y == null ? x : Math.min(x, y);
  }

  private static Integer minInt(Integer a, Integer b) {
    Long m = min(a == null ? null : a.longValue(), b == null ? null : b.longValue());
    return m == null ? null : m.intValue();
  }

  private static Set<String> expandOrNull(Set<String> mccs) {
    return mccs == null ? null : MccGroups.expand(mccs);
  }

  private static <T> Set<T> intersect(Set<T> a, Set<T> b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    Set<T> both = new HashSet<>(a);
    both.retainAll(b);
    return both;
  }

  private static <T> Set<T> union(Set<T> a, Set<T> b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    Set<T> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  /** Sorted copy for stable output. */
  public static Set<String> sorted(Set<String> values) {
    return values == null ? null : new TreeSet<>(values);
  }
}
