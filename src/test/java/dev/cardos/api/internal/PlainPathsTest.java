package dev.cardos.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainPathsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/v1/cards",
        "/v1/cards/card_01M98EENF1VEG4D04DRH6W2NY8/sensitive",
        "/dashboard/cards/x/limits/review",
        "/static/app.v2.js",
        "/v1/cards/"
      })
  void plainPathsPass(String path) {
    assertThat(PlainPaths.whyNotPlain(path)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v1/simulate/authorizations;x=1",
        "/v1/cards;/x",
        "/v1/%63ards",
        "/v1/cards%2Fx",
        "/v1//cards",
        "/v1/./cards",
        "/v1/cards/..",
        "/v1\\cards",
        "v1/cards",
        "*"
      })
  void otherPathsAreRefusedWithTheReason(String path) {
    assertThat(PlainPaths.whyNotPlain(path)).isNotBlank();
  }
}
