package dev.cardos.cards;

import java.util.Objects;

/**
 * A primary account number, in clear, in memory only. Its {@code toString} shows the last four
 * digits alone, so a PAN that reaches a log line, an exception message or a debugger's summary
 * shows {@code ****1234}.
 */
public final class Pan {

  private final String digits;

  public Pan(String digits) {
    if (digits == null
        || digits.length() < 12
        || digits.length() > 19
        || !digits.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("a PAN is 12 to 19 digits");
    }
    this.digits = digits;
  }

  /** The digits, for the vault and card cryptography only. */
  public String digits() {
    return digits;
  }

  public String last4() {
    return digits.substring(digits.length() - 4);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Pan pan && pan.digits.equals(digits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(digits);
  }

  @Override
  public String toString() {
    return "****" + last4();
  }
}
