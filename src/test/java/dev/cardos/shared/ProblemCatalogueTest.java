package dev.cardos.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The public code catalogue in docs/errors.md and the ProblemCode enum never drift apart. */
class ProblemCatalogueTest {

  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (\\d{3}) \\|", 8);

  private static String catalogue() throws IOException {
    return Files.readString(Path.of("docs/errors.md"));
  }

  @ParameterizedTest
  @EnumSource(ProblemCode.class)
  void everyCodeIsDocumentedWithItsStatus(ProblemCode code) throws IOException {
    assertThat(catalogue()).contains("| `" + code.code() + "` | " + code.status() + " |");
  }

  @Test
  void everyDocumentedCodeExists() throws IOException {
    var known =
        Arrays.stream(ProblemCode.values()).map(ProblemCode::code).collect(Collectors.toSet());
    Matcher rows = ROW.matcher(catalogue());
    int count = 0;
    while (rows.find()) {
      assertThat(known).contains(rows.group(1));
      count++;
    }
    assertThat(count).isEqualTo(ProblemCode.values().length);
  }
}
