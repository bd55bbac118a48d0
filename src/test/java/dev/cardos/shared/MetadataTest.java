package dev.cardos.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetadataTest {

  private static Map<String, String> keys(int count) {
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      metadata.put("key_" + i, "value");
    }
    return metadata;
  }

  private static Problem refusal(Runnable call) {
    Problem problem = catchThrowableOfType(Problem.class, call::run);
    assertThat(problem).as("a refusal").isNotNull();
    assertThat(problem.code()).isEqualTo(ProblemCode.VALIDATION_FAILED);
    assertThat(problem.fieldErrors()).hasSize(1);
    return problem;
  }

  @Test
  void noMetadataIsAnEmptyMap() {
    assertThat(Metadata.validated(null, "metadata")).isEmpty();
  }

  @Test
  void fiftyKeysAreAccepted() {
    assertThat(Metadata.validated(keys(Metadata.KEYS_MAX), "metadata")).hasSize(50);
  }

  @Test
  void fiftyOneKeysAreRefusedNamingTheMetadataField() {
    Problem problem = refusal(() -> Metadata.validated(keys(51), "metadata"));

    assertThat(problem.fieldErrors().getFirst().field()).isEqualTo("metadata");
    assertThat(problem.fieldErrors().getFirst().reason()).contains("50 keys");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 40})
  void keysOfOneToFortyCharactersAreAccepted(int length) {
    Map<String, String> metadata = Map.of("k".repeat(length), "v");

    assertThat(Metadata.validated(metadata, "metadata")).isEqualTo(metadata);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 41, 200})
  void keysOfAnyOtherLengthAreRefusedNamingTheMetadataField(int length) {
    Problem problem =
        refusal(() -> Metadata.validated(Map.of("k".repeat(length), "v"), "metadata"));

    assertThat(problem.fieldErrors().getFirst().field()).isEqualTo("metadata");
    assertThat(problem.fieldErrors().getFirst().reason()).contains("1 to 40 characters");
  }

  @Test
  void aRefusedLongKeyIsQuotedOnlyInPart() {
    String key = "k".repeat(40) + "TAIL";

    Problem problem = refusal(() -> Metadata.validated(Map.of(key, "v"), "metadata"));

    assertThat(problem.detail()).doesNotContain("TAIL");
  }

  @Test
  void valuesOfUpToFiveHundredCharactersAreAccepted() {
    Map<String, String> metadata = Map.of("empty", "", "longest", "v".repeat(500));

    assertThat(Metadata.validated(metadata, "metadata")).isEqualTo(metadata);
  }

  @Test
  void aValueOfFiveHundredAndOneCharactersIsRefusedNamingItsKey() {
    Problem problem =
        refusal(() -> Metadata.validated(Map.of("note", "v".repeat(501)), "metadata"));

    assertThat(problem.fieldErrors().getFirst().field()).isEqualTo("metadata.note");
    assertThat(problem.fieldErrors().getFirst().reason()).contains("500 characters");
  }

  @Test
  void aNullValueIsRefusedNamingItsKey() {
    Map<String, String> metadata = new HashMap<>();
    metadata.put("note", null);

    Problem problem = refusal(() -> Metadata.validated(metadata, "metadata"));

    assertThat(problem.fieldErrors().getFirst().field()).isEqualTo("metadata.note");
  }

  @Test
  void theFieldNameGivenIsTheOneReported() {
    Problem problem =
        refusal(() -> Metadata.validated(Map.of("note", "v".repeat(501)), "card.metadata"));

    assertThat(problem.fieldErrors().getFirst().field()).isEqualTo("card.metadata.note");
  }

  @Test
  void mergeSetsGivenKeysAndKeepsTheOthers() {
    Map<String, String> merged =
        Metadata.merged(
            Map.of("user_id", "42", "team", "ops"),
            Map.of("team", "risk", "project", "apollo"),
            "metadata");

    assertThat(merged)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("user_id", "42", "team", "risk", "project", "apollo"));
  }

  @Test
  void mergeRemovesAKeyGivenAnEmptyValue() {
    Map<String, String> merged =
        Metadata.merged(
            Map.of("user_id", "42", "team", "ops"), Map.of("user_id", "", "gone", ""), "metadata");

    assertThat(merged).containsExactlyEntriesOf(Map.of("team", "ops"));
  }

  @Test
  void mergeWithoutAnUpdateKeepsTheCurrentMetadata() {
    Map<String, String> current = Map.of("user_id", "42");

    assertThat(Metadata.merged(current, null, "metadata")).isEqualTo(current);
  }

  @Test
  void mergeDoesNotChangeTheCurrentMap() {
    Map<String, String> current = new LinkedHashMap<>(Map.of("user_id", "42"));

    Metadata.merged(current, Map.of("user_id", "", "team", "ops"), "metadata");

    assertThat(current).containsExactlyEntriesOf(Map.of("user_id", "42"));
  }

  @Test
  void mergeRefusesAResultOfMoreThanFiftyKeys() {
    Problem problem = refusal(() -> Metadata.merged(keys(50), Map.of("one_more", "v"), "metadata"));

    assertThat(problem.fieldErrors().getFirst().field()).isEqualTo("metadata");
  }

  @Test
  void mergeAcceptsFiftyKeysWhenTheUpdateRemovesAsManyAsItAdds() {
    Map<String, String> merged =
        Metadata.merged(keys(50), Map.of("one_more", "v", "key_0", ""), "metadata");

    assertThat(merged).hasSize(50).containsKey("one_more").doesNotContainKey("key_0");
  }

  @Test
  void mergeValidatesTheUpdateNamingTheKey() {
    Problem problem =
        refusal(
            () -> Metadata.merged(Map.of("a", "b"), Map.of("note", "v".repeat(501)), "metadata"));

    assertThat(problem.fieldErrors().getFirst().field()).isEqualTo("metadata.note");
  }
}
