package dev.cardos.cards;

import static dev.cardos.cards.CardSecurity.PinCheck.INCORRECT;
import static dev.cardos.cards.CardSecurity.PinCheck.NOT_SET;
import static dev.cardos.cards.CardSecurity.PinCheck.TRIES_EXCEEDED;
import static dev.cardos.cards.CardSecurity.PinCheck.VERIFIED;
import static dev.cardos.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.cards.CardFixtures.Setup;
import dev.cardos.cards.CardSecurity.PinBlockFormat;
import dev.cardos.tenancy.Mode;
import dev.cardos.tenancy.Realm;
import dev.cardos.testing.ServerTest;
import dev.cardos.testing.TestApi;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What the authorization engine asks of a card: is this the CVV2, is this the PIN. */
@ServerTest
class CardSecurityIT {

  @LocalServerPort int port;
  @Autowired CardSecurity security;

  private CardFixtures fixtures;
  private TestApi api;
  private Setup setup;
  private Realm realm;

  @BeforeEach
  void setUp() {
    fixtures = new CardFixtures(port);
    api = fixtures.api;
    setup = fixtures.b2c("on_demand", "", 0);
    realm = new Realm(setup.tenant().id(), Mode.TEST);
  }

  @Test
  void theRevealedCvv2VerifiesAndItsNeighboursDoNot() {
    String cardId = fixtures.virtualCard(setup).id();
    String cvv2 =
        expect(api.get("/v1/cards/" + cardId + "/sensitive", setup.key()), 200).text("cvv2");
    int value = Integer.parseInt(cvv2);

    assertThat(security.verifyCvv2(realm, cardId, cvv2)).isTrue();
    assertThat(security.verifyCvv2(realm, cardId, String.format("%03d", (value + 1) % 1000)))
        .isFalse();
    assertThat(security.verifyCvv2(realm, cardId, String.format("%03d", (value + 999) % 1000)))
        .isFalse();
    assertThat(security.verifyCvv2(realm, cardId, cvv2 + "0")).isFalse();
    assertThat(security.verifyCvv2(realm, cardId, "")).isFalse();
    assertThat(security.verifyCvv2(realm, cardId, null)).isFalse();
  }

  @Test
  void theCvv2ShownOnceAtCreationVerifies() {
    Setup once = fixtures.b2c("once", "", 0);
    TestApi.Response created = fixtures.virtualCard(once);
    String cvv2 = created.body().get("sensitive").get("cvv2").asString();
    Realm onceRealm = new Realm(once.tenant().id(), Mode.TEST);

    assertThat(security.verifyCvv2(onceRealm, created.id(), cvv2)).isTrue();
    assertThat(
            security.verifyCvv2(
                onceRealm,
                created.id(),
                String.format("%03d", (Integer.parseInt(cvv2) + 1) % 1000)))
        .isFalse();
  }

  @Test
  void aCardWithoutAPinAnswersNotSet() {
    String cardId = fixtures.virtualCard(setup).id();

    assertThat(check(cardId, "iso_0", "1234")).isEqualTo(NOT_SET);
    assertThat(check(cardId, "iso_4", "1234")).isEqualTo(NOT_SET);
    assertThat(check(cardId, "iso_0", "1234"))
        .as("a check without a PIN counts nothing")
        .isEqualTo(NOT_SET);
  }

  @Test
  void theRightPinVerifiesInBothFormatsAndAWrongOneIsIncorrect() {
    String cardId = fixtures.virtualCard(setup).id();
    setPin(cardId, "iso_4", "2468");

    assertThat(check(cardId, "iso_0", "2468")).isEqualTo(VERIFIED);
    assertThat(check(cardId, "iso_4", "2468")).isEqualTo(VERIFIED);
    assertThat(check(cardId, "iso_0", "2469")).isEqualTo(INCORRECT);
    assertThat(check(cardId, "iso_4", "8642")).isEqualTo(INCORRECT);
  }

  @Test
  void theThirdWrongPinLocksPinUseEvenForTheRightPinUntilANewPinIsSet() {
    String cardId = fixtures.virtualCard(setup).id();
    setPin(cardId, "iso_0", "2468");

    assertThat(check(cardId, "iso_0", "1111")).isEqualTo(INCORRECT);
    assertThat(check(cardId, "iso_4", "2222")).isEqualTo(INCORRECT);
    assertThat(check(cardId, "iso_0", "3333")).isEqualTo(TRIES_EXCEEDED);
    assertThat(check(cardId, "iso_0", "2468")).isEqualTo(TRIES_EXCEEDED);
    assertThat(check(cardId, "iso_4", "2468")).isEqualTo(TRIES_EXCEEDED);
    assertThat(card(cardId).get("pin_locked").asBoolean()).isTrue();

    setPin(cardId, "iso_0", "1357");

    assertThat(card(cardId).get("pin_locked").asBoolean()).isFalse();
    assertThat(check(cardId, "iso_0", "1357")).isEqualTo(VERIFIED);
    assertThat(check(cardId, "iso_0", "2468")).as("the old PIN is gone").isEqualTo(INCORRECT);
  }

  @Test
  void aRightPinResetsTheCountOfWrongOnes() {
    String cardId = fixtures.virtualCard(setup).id();
    setPin(cardId, "iso_0", "2468");

    assertThat(check(cardId, "iso_0", "1111")).isEqualTo(INCORRECT);
    assertThat(check(cardId, "iso_0", "1112")).isEqualTo(INCORRECT);
    assertThat(check(cardId, "iso_0", "2468")).isEqualTo(VERIFIED);
    assertThat(check(cardId, "iso_0", "1113")).isEqualTo(INCORRECT);
    assertThat(check(cardId, "iso_0", "1114")).isEqualTo(INCORRECT);
    assertThat(check(cardId, "iso_0", "1115")).isEqualTo(TRIES_EXCEEDED);
  }

  @Test
  void aMalformedPinBlockCountsAsAWrongPin() {
    String cardId = fixtures.virtualCard(setup).id();
    setPin(cardId, "iso_0", "2468");

    assertThat(security.verifyPin(realm, cardId, PinBlockFormat.ISO_0, new byte[8]))
        .isEqualTo(INCORRECT);
    assertThat(security.verifyPin(realm, cardId, PinBlockFormat.ISO_4, new byte[3]))
        .isEqualTo(INCORRECT);
    assertThat(check(cardId, "iso_0", "0000")).isEqualTo(TRIES_EXCEEDED);
  }

  private CardSecurity.PinCheck check(String cardId, String format, String pin) {
    byte[] block = HexFormat.of().parseHex(pinBlock(cardId, format, pin));
    return security.verifyPin(
        realm, cardId, PinBlockFormat.valueOf(format.toUpperCase(Locale.ROOT)), block);
  }

  private String pinBlock(String cardId, String format, String pin) {
    return expect(
            api.post(
                "/v1/simulate/pin-blocks",
                setup.key(),
                "{\"card_id\": \"%s\", \"pin\": \"%s\", \"format\": \"%s\"}"
                    .formatted(cardId, pin, format)),
            200)
        .text("pin_block");
  }

  private void setPin(String cardId, String format, String pin) {
    expect(
        api.send(
            "PUT",
            "/v1/cards/" + cardId + "/pin",
            setup.key(),
            "{\"format\": \"%s\", \"pin_block\": \"%s\"}"
                .formatted(format, pinBlock(cardId, format, pin))),
        200);
  }

  private tools.jackson.databind.JsonNode card(String cardId) {
    return expect(api.get("/v1/cards/" + cardId, setup.key()), 200).body();
  }
}
