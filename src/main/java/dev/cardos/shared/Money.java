package dev.cardos.shared;

/**
 * An amount of money: an integer count of the currency's minor units (1250 USD is 12.50 USD).
 * Arithmetic is exact and throws on overflow; amounts of different currencies never mix.
 */
public record Money(long minor, String currency) {

  public Money {
    if (!Currencies.isValid(currency)) {
      throw new IllegalArgumentException("not an ISO 4217 currency with a minor unit: " + currency);
    }
  }

  public Money plus(Money other) {
    requireSameCurrency(other);
    return new Money(Math.addExact(minor, other.minor), currency);
  }

  public Money minus(Money other) {
    requireSameCurrency(other);
    return new Money(Math.subtractExact(minor, other.minor), currency);
  }

  public boolean isPositive() {
    return minor > 0;
  }

  private void requireSameCurrency(Money other) {
    if (!currency.equals(other.currency)) {
      throw new IllegalArgumentException("cannot combine " + currency + " with " + other.currency);
    }
  }
}
