package dev.cardos.ledger;

/**
 * One side of a posting: {@code amountMinor} is added to the account's ledger balance (negative
 * takes money out). Never zero.
 */
public record Leg(String accountId, long amountMinor) {

  public Leg {
    if (amountMinor == 0) {
      throw new IllegalArgumentException("a leg moves money: amount must not be zero");
    }
  }

  public static Leg debit(String accountId, long amountMinor) {
    return new Leg(accountId, Math.negateExact(requirePositive(amountMinor)));
  }

  public static Leg credit(String accountId, long amountMinor) {
    return new Leg(accountId, requirePositive(amountMinor));
  }

  private static long requirePositive(long amountMinor) {
    if (amountMinor <= 0) {
      throw new IllegalArgumentException("amount must be positive: " + amountMinor);
    }
    return amountMinor;
  }
}
