package dev.cardos.programs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A card product offered to one tenant. Fees are minor units of {@code currency}; {@code
 * validityMonths} sets card expiry; the decision webhook is called for every authorization that
 * passes the internal checks, within {@code webhookBudgetMs}, else {@code webhookStandIn} applies.
 */
public record Program(
    String id,
    String tenantId,
    String name,
    String binRangeId,
    ProgramKind kind,
    String currency,
    List<String> markets,
    Map<String, Object> defaultControls,
    long issuanceFeeVirtual,
    long issuanceFeePhysical,
    int fxMarkupBps,
    int validityMonths,
    Integer maxCardsPerCardholder,
    RevealPolicy revealPolicy,
    boolean renewOnExpiry,
    int holdExpiryDays,
    String timeZone,
    String webhookUrl,
    int webhookBudgetMs,
    String webhookStandIn,
    String status,
    Instant createdAt,
    String webhookSecretKeyId,
    int disputeWindowDays,
    boolean provisionalCredit) {

  public Program {
    markets = List.copyOf(markets);
    defaultControls =
        defaultControls == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(defaultControls));
  }

  public boolean enabled() {
    return "enabled".equals(status);
  }

  public long issuanceFee(CardForm form) {
    return switch (form) {
      case VIRTUAL -> issuanceFeeVirtual;
      case PHYSICAL -> issuanceFeePhysical;
    };
  }
}
