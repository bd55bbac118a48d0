package dev.cardos.funding;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Converts amounts between currencies at the operator's current rate less a markup, the same way
 * transfers do: the converted amount is the amount at the effective rate, rounded half-up once.
 */
public interface ExchangeRates {

  /** The conversion, or empty when the operator has set no rate for the pair. */
  Optional<Converted> convert(long amountMinor, String from, String to, int markupBps);

  /** The converted amount and the effective rate it was converted at. */
  record Converted(long amountMinor, BigDecimal effectiveRate, BigDecimal midRate) {}
}
