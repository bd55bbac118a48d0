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

  /**
   * What a card payment of {@code amountMinor} in {@code from} costs in {@code to}: the mid rate
   * plus the markup ({@code rate × (1 + bps/10000)}), rounded half-up once.
   */
  Optional<Converted> charge(long amountMinor, String from, String to, int markupBps);

  /** The converted amount and the effective rate it was converted at. */
  record Converted(long amountMinor, BigDecimal effectiveRate, BigDecimal midRate) {}
}
