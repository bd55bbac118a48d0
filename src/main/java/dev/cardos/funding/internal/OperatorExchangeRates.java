package dev.cardos.funding.internal;

import dev.cardos.funding.ExchangeRates;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** {@link ExchangeRates} over the operator's rates and {@link Pricing}. */
@Component
class OperatorExchangeRates implements ExchangeRates {

  private final FxRates rates;

  OperatorExchangeRates(FxRates rates) {
    this.rates = rates;
  }

  @Override
  public Optional<Converted> charge(long amountMinor, String from, String to, int markupBps) {
    return rates
        .current(from, to)
        .map(
            rate -> {
              Pricing.Conversion c = Pricing.charge(amountMinor, from, to, rate.rate(), markupBps);
              return new Converted(c.netMinor(), c.effectiveRate(), c.midRate());
            });
  }

  @Override
  public Optional<Converted> convert(long amountMinor, String from, String to, int markupBps) {
    return rates
        .current(from, to)
        .map(
            rate -> {
              Pricing.Conversion c = Pricing.convert(amountMinor, from, to, rate.rate(), markupBps);
              return new Converted(c.netMinor(), c.effectiveRate(), c.midRate());
            });
  }
}
