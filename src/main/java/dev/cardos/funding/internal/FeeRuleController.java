package dev.cardos.funding.internal;

import dev.cardos.shared.Amounts;
import dev.cardos.shared.Currencies;
import dev.cardos.shared.Problem;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/fee-rules}: the tenant's own fees, replaced as a whole set. */
@RestController
@RequestMapping("/v1/fee-rules")
@Tag(name = "funding")
class FeeRuleController {

  private static final int RULES_MAX = 100;
  private static final BigDecimal PERCENT_MAX = BigDecimal.valueOf(100);

  private final FeeSchedules schedules;

  FeeRuleController(FeeSchedules schedules) {
    this.schedules = schedules;
  }

  record FeeRuleInput(
      @NotNull FeeRule.Kind kind,
      FeeRule.Rail rail,
      String currency,
      Long fixedAmount,
      String percent,
      Integer markupBps) {}

  record FeeRules(@NotNull @Size(max = RULES_MAX) List<@NotNull @Valid FeeRuleInput> rules) {}

  record FeeRulesView(List<FeeRule> rules) {}

  @PutMapping
  @RequiresScope(Scope.FUNDS_WRITE)
  @Operation(summary = "Replace the tenant's fee rules (deposit, transfer, FX markup)")
  @Transactional
  FeeRulesView replace(Realm realm, @Valid @RequestBody FeeRules request) {
    List<FeeRule> rules = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < request.rules().size(); i++) {
      FeeRule rule = validated(request.rules().get(i), "rules[" + i + "]");
      String key = rule.kind() + "/" + rule.rail() + "/" + rule.currency();
      if (!seen.add(key)) {
        throw Problem.invalidField("rules[" + i + "]", "repeats an earlier rule for the same case");
      }
      rules.add(rule);
    }
    schedules.replace(realm, rules);
    return new FeeRulesView(rules);
  }

  @GetMapping
  @RequiresScope(Scope.FUNDS_READ)
  @Operation(summary = "The tenant's fee rules")
  FeeRulesView get(Realm realm) {
    return new FeeRulesView(schedules.rules(realm));
  }

  private static FeeRule validated(FeeRuleInput in, String field) {
    return switch (in.kind()) {
      case FX_MARKUP -> {
        if (in.rail() != null
            || in.currency() != null
            || in.fixedAmount() != null
            || in.percent() != null) {
          throw Problem.invalidField(field, "an fx_markup rule has markup_bps only");
        }
        if (in.markupBps() == null || in.markupBps() < 0 || in.markupBps() > 2_000) {
          throw Problem.invalidField(field + ".markup_bps", "must be between 0 and 2000");
        }
        yield new FeeRule(in.kind(), null, null, null, null, in.markupBps());
      }
      case DEPOSIT, TRANSFER -> {
        if (in.markupBps() != null) {
          throw Problem.invalidField(field + ".markup_bps", "applies to fx_markup rules only");
        }
        if (in.kind() == FeeRule.Kind.TRANSFER && in.rail() != null) {
          throw Problem.invalidField(field + ".rail", "applies to deposit rules only");
        }
        Currencies.require(in.currency(), field + ".currency");
        long fixed = in.fixedAmount() == null ? 0 : in.fixedAmount();
        if (fixed < 0 || fixed > Amounts.AMOUNT_MAX) {
          throw Problem.invalidField(
              field + ".fixed_amount", "must be between 0 and " + Amounts.AMOUNT_MAX);
        }
        BigDecimal percent =
            in.percent() == null
                ? BigDecimal.ZERO
                : Amounts.decimal(in.percent(), field + ".percent", 4, PERCENT_MAX);
        yield new FeeRule(in.kind(), in.rail(), in.currency(), fixed, percent, null);
      }
    };
  }
}
