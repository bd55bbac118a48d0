package dev.cardos.reliability;

import dev.cardos.cards.CardNumberScan;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Looks for card data where it must never be: the process's whole output, every webhook body
 * received, every API answer the client saw (card detail reveals are not recorded), a dump of the
 * database (every table copied out as {@code pg_dump} would) and every byte under the data
 * directory (tables, indexes and the write-ahead log). A finding is an issued card number, any
 * Luhn-valid 13 to 19 digit run (text sources), a number of the test's BIN range, or a CVV2 given a
 * JSON name.
 *
 * <p>The system's {@code pg_dump} (15) refuses to dump the embedded PostgreSQL 18, so the dump is
 * made the way pg_dump makes its data section: {@code COPY table TO STDOUT} for every table.
 */
final class CardDataHygiene {

  private static final Pattern NAMED_CVV =
      Pattern.compile("\"(cvv2?|cvc2?|pin|pin_block)\"\\s*:\\s*\"?[0-9A-Fa-f]{3,16}");

  private static final Pattern BYTEA = Pattern.compile("\\\\x[0-9a-f]+");

  private CardDataHygiene() {}

  static List<String> scan(
      Workload work, JdbcClient db, List<String> webhookBodies, CardosProcess cardos)
      throws IOException {
    CardNumberScan scan = scanner(work);
    List<String> findings = new ArrayList<>();
    String log = Files.readString(cardos.log(), StandardCharsets.UTF_8);
    findings.addAll(scan.text("CardOS output", log));
    findings.addAll(namedSecrets("CardOS output", log));
    for (String body : webhookBodies) {
      findings.addAll(scan.text("webhook body", body));
      findings.addAll(namedSecrets("webhook body", body));
    }
    for (String answer : work.answers) {
      findings.addAll(scan.text("API answer", answer));
      findings.addAll(namedSecrets("API answer", answer));
    }
    // COPY prints bytea as \x and hex digits, where Luhn-valid runs occur by chance: those are
    // searched the way CardNumberScan searches hex (issued numbers, numbers of the BIN range).
    String dump = dump(cardos.databasePort());
    Matcher bytea = BYTEA.matcher(dump);
    while (bytea.find()) {
      findings.addAll(scan.hex("database dump (bytea)", bytea.group()));
    }
    String text = BYTEA.matcher(dump).replaceAll(" ");
    findings.addAll(scan.text("database dump", text));
    findings.addAll(namedSecrets("database dump", text));
    findings.addAll(scan.database(db));
    return findings;
  }

  /** Every file under the data directory, as bytes: the issued numbers and BIN-range numbers. */
  static List<String> scanFiles(Workload work, Path dataDir) throws IOException {
    CardNumberScan scan = scanner(work);
    List<String> findings = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (file.getFileName().toString().equals("cardos.log")) {
          continue; // scanned as text above
        }
        String latin1 = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        findings.addAll(scan.hex(dataDir.relativize(file).toString(), latin1));
      }
    }
    return findings;
  }

  private static CardNumberScan scanner(Workload work) {
    return new CardNumberScan(
        work.cards.stream().map(Workload.Plastic::pan).toList(), List.of(work.range));
  }

  private static List<String> namedSecrets(String where, String text) {
    List<String> findings = new ArrayList<>();
    Matcher m = NAMED_CVV.matcher(text);
    while (m.find()) {
      findings.add(where + ": a value named " + m.group(1));
    }
    return findings;
  }

  /** Every table of the public schema copied out as text, as pg_dump's data section is. */
  static String dump(int port) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl("jdbc:postgresql://localhost:" + port + "/postgres");
    ds.setUser("postgres");
    try (Connection c = ds.getConnection()) {
      List<String> tables = new ArrayList<>();
      try (var rs =
          c.createStatement()
              .executeQuery(
                  "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      StringWriter out = new StringWriter();
      for (String table : tables) {
        out.write("COPY " + table + " FROM stdin;\n");
        c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY \"" + table + "\" TO STDOUT", out);
        out.write("\\.\n");
      }
      return out.toString();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
