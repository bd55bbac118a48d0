package dev.cardos.cards;

import static dev.cardos.cards.CardFixtures.luhn;

import dev.cardos.cards.CardFixtures.BinRangeRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Searches the database and any text for card numbers: the numbers a test issued, any 13 to 19
 * digit run that passes Luhn, and Luhn-valid numbers of the test's BIN ranges. Findings name where
 * and show at most the first six and last four digits, as PCI DSS allows.
 */
public final class CardNumberScan {

  private static final Pattern DIGIT_RUN = Pattern.compile("[0-9]{13,}");

  private final Collection<String> pans;
  private final Collection<BinRangeRef> ranges;
  private final List<String> columnsScanned = new ArrayList<>();

  public CardNumberScan(Collection<String> pans, Collection<BinRangeRef> ranges) {
    this.pans = pans;
    this.ranges = ranges;
  }

  /** The columns the last {@link #database} call read, as {@code table.column}. */
  public List<String> columnsScanned() {
    return columnsScanned;
  }

  private record Column(String table, String name, String dataType) {}

  /**
   * Every value of every column of every table in the public schema: bytea both as Latin-1 text and
   * as hex, everything else as PostgreSQL prints it (text, json, arrays, and numbers too, since a
   * bigint holds 19 digits).
   */
  public List<String> database(JdbcClient jdbc) {
    List<Column> columns =
        jdbc.sql(
                """
                SELECT c.table_name, c.column_name, c.data_type
                FROM information_schema.columns c
                JOIN information_schema.tables t
                  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                ORDER BY c.table_name, c.ordinal_position
                """)
            .query((rs, row) -> new Column(rs.getString(1), rs.getString(2), rs.getString(3)))
            .list();
    columnsScanned.clear();
    List<String> findings = new ArrayList<>();
    for (Column column : columns) {
      String where = column.table() + "." + column.name();
      columnsScanned.add(where);
      if ("bytea".equals(column.dataType())) {
        String select =
            "SELECT \"%s\" FROM \"%s\" WHERE \"%s\" IS NOT NULL"
                .formatted(column.name(), column.table(), column.name());
        for (byte[] value : jdbc.sql(select).query((rs, row) -> rs.getBytes(1)).list()) {
          findings.addAll(text(where, new String(value, StandardCharsets.ISO_8859_1)));
          findings.addAll(hex(where, HexFormat.of().formatHex(value)));
        }
      } else {
        String select =
            "SELECT CAST(\"%s\" AS text) FROM \"%s\" WHERE \"%s\" IS NOT NULL"
                .formatted(column.name(), column.table(), column.name());
        for (String value : jdbc.sql(select).query(String.class).list()) {
          findings.addAll(text(where, value));
        }
      }
    }
    return findings;
  }

  /** Issued numbers, any 13 to 19 digit run passing Luhn, and numbers of the ranges, in text. */
  public List<String> text(String where, String text) {
    List<String> findings = new ArrayList<>(issued(where, text));
    Matcher runs = DIGIT_RUN.matcher(text);
    while (runs.find()) {
      String run = runs.group();
      if (run.length() <= 19 && luhn(run)) {
        findings.add(where + ": a Luhn-valid run of " + run.length() + " digits " + masked(run));
      }
      findings.addAll(rangeNumbers(where, run));
    }
    return findings;
  }

  /**
   * In hex a 13 to 19 digit run passing Luhn turns up by chance (roughly once in 500 positions), so
   * hex is searched for the issued numbers and for Luhn-valid numbers of the test's BIN ranges
   * only: that is how a number stored as packed BCD would show.
   */
  public List<String> hex(String where, String hex) {
    List<String> findings = new ArrayList<>(issued(where + " (hex)", hex));
    findings.addAll(rangeNumbers(where + " (hex)", hex));
    return findings;
  }

  private List<String> issued(String where, String text) {
    List<String> findings = new ArrayList<>();
    for (String pan : pans) {
      if (text.contains(pan)) {
        findings.add(where + ": issued card number " + masked(pan));
      }
    }
    return findings;
  }

  private List<String> rangeNumbers(String where, String text) {
    List<String> findings = new ArrayList<>();
    for (BinRangeRef range : ranges) {
      for (int at = text.indexOf(range.bin()); at >= 0; at = text.indexOf(range.bin(), at + 1)) {
        int end = at + range.panLength();
        if (end <= text.length()) {
          String candidate = text.substring(at, end);
          if (candidate.chars().allMatch(Character::isDigit) && luhn(candidate)) {
            findings.add(where + ": a number of BIN " + range.bin() + " " + masked(candidate));
          }
        }
      }
    }
    return findings;
  }

  private static String masked(String digits) {
    return digits.substring(0, 6) + "..." + digits.substring(digits.length() - 4);
  }
}
