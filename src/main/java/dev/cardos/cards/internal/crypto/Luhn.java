package dev.cardos.cards.internal.crypto;

/** The Luhn (mod 10) check digit that ends every card number. */
public final class Luhn {

  private Luhn() {}

  /** The check digit to append to {@code digits} (all decimal digits). */
  public static int checkDigit(String digits) {
    int sum = 0;
    boolean doubleIt = true;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digit(digits.charAt(i));
      if (doubleIt) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubleIt = !doubleIt;
    }
    return (10 - sum % 10) % 10;
  }

  /** Whether {@code number} (all decimal digits, at least two) ends in its Luhn check digit. */
  public static boolean isValid(String number) {
    if (number == null || number.length() < 2 || !number.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int last = number.length() - 1;
    return checkDigit(number.substring(0, last)) == digit(number.charAt(last));
  }

  private static int digit(char c) {
    if (c < '0' || c > '9') {
      throw new IllegalArgumentException("not a decimal digit");
    }
    return c - '0';
  }
}
