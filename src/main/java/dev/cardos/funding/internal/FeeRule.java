package dev.cardos.funding.internal;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;

/**
 * One of a tenant's fee rules. {@code deposit} and {@code transfer} rules charge {@code
 * fixed_amount} (minor units of {@code currency}) plus {@code percent} of the amount; a deposit
 * rule may apply to one {@code rail} only. {@code fx_markup} adds {@code markup_bps} basis points
 * to conversions.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record FeeRule(
    Kind kind,
    Rail rail,
    String currency,
    Long fixedAmount,
    @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal percent,
    Integer markupBps) {

  enum Kind {
    @JsonProperty("deposit")
    DEPOSIT,
    @JsonProperty("transfer")
    TRANSFER,
    @JsonProperty("fx_markup")
    FX_MARKUP
  }

  enum Rail {
    @JsonProperty("bank_transfer")
    BANK_TRANSFER,
    @JsonProperty("stablecoin")
    STABLECOIN;

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  long feeOn(long amountMinor) {
    return Pricing.fee(
        amountMinor,
        fixedAmount == null ? 0 : fixedAmount,
        percent == null ? BigDecimal.ZERO : percent);
  }
}
