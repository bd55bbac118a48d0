package dev.cardos.cards;

import static dev.cardos.cards.CardAction.ACTIVATE;
import static dev.cardos.cards.CardAction.APPROVE;
import static dev.cardos.cards.CardAction.BLOCK;
import static dev.cardos.cards.CardAction.EXPIRE;
import static dev.cardos.cards.CardAction.FREEZE;
import static dev.cardos.cards.CardAction.REISSUE;
import static dev.cardos.cards.CardAction.REJECT;
import static dev.cardos.cards.CardAction.TERMINATE;
import static dev.cardos.cards.CardAction.UNFREEZE;
import static dev.cardos.cards.CardStatus.ACTIVE;
import static dev.cardos.cards.CardStatus.BLOCKED;
import static dev.cardos.cards.CardStatus.EXPIRED;
import static dev.cardos.cards.CardStatus.FAILED;
import static dev.cardos.cards.CardStatus.FROZEN;
import static dev.cardos.cards.CardStatus.PENDING;
import static dev.cardos.cards.CardStatus.TERMINATED;
import static dev.cardos.cards.CardStatus.UNDER_REVIEW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.cards.CardLifecycle.Transition;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The card state machine against SPEC §4, for every status and every action. The expected table is
 * written out here from the SPEC, not derived from the code: a pair missing from it must be
 * refused.
 */
class CardLifecycleTest {

  /**
   * SPEC §4, row by row. For {@code reissue} the target is what the old card becomes ({@code
   * terminated}); the new card is a separate card that starts active or pending.
   */
  private static final Map<CardStatus, Map<CardAction, CardStatus>> SPEC =
      new EnumMap<>(CardStatus.class);

  static {
    allow(PENDING, ACTIVATE, ACTIVE);
    allow(ACTIVE, FREEZE, FROZEN);
    allow(FROZEN, UNFREEZE, ACTIVE);
    allow(ACTIVE, BLOCK, BLOCKED);
    allow(FROZEN, BLOCK, BLOCKED);
    for (CardStatus from :
        new CardStatus[] {PENDING, ACTIVE, FROZEN, BLOCKED, EXPIRED, FAILED, UNDER_REVIEW}) {
      allow(from, TERMINATE, TERMINATED);
    }
    allow(ACTIVE, EXPIRE, EXPIRED);
    allow(FROZEN, EXPIRE, EXPIRED);
    allow(UNDER_REVIEW, APPROVE, ACTIVE);
    allow(UNDER_REVIEW, REJECT, TERMINATED);
    for (CardStatus from : new CardStatus[] {ACTIVE, FROZEN, BLOCKED, EXPIRED}) {
      allow(from, REISSUE, TERMINATED);
    }
  }

  private static void allow(CardStatus from, CardAction action, CardStatus to) {
    SPEC.computeIfAbsent(from, f -> new EnumMap<>(CardAction.class)).put(action, to);
  }

  static Stream<Arguments> everyStatusAndAction() {
    return Arrays.stream(CardStatus.values())
        .flatMap(from -> Arrays.stream(CardAction.values()).map(a -> Arguments.of(from, a)));
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("everyStatusAndAction")
  void movesToTheSpecTargetOrRefusesNamingTheCurrentStatus(CardStatus from, CardAction action) {
    CardStatus expected = SPEC.getOrDefault(from, Map.of()).get(action);

    Transition outcome = CardLifecycle.apply(from, action);

    if (expected == null) {
      assertThat(outcome).isEqualTo(new Transition.Refused(from, action));
    } else {
      assertThat(outcome).isEqualTo(new Transition.Allowed(expected));
    }
  }

  @Test
  void theProductCoversEveryStatusAndAction() {
    assertThat(everyStatusAndAction())
        .hasSize(CardStatus.values().length * CardAction.values().length)
        .hasSize(8 * 9);
  }

  @Test
  void aTerminatedCardAllowsNothing() {
    assertThat(CardAction.values())
        .allSatisfy(
            action ->
                assertThat(CardLifecycle.apply(TERMINATED, action))
                    .isInstanceOf(Transition.Refused.class));
  }

  @Test
  void onlyReissueAndTerminateLeaveABlockedCard() {
    assertThat(
            Arrays.stream(CardAction.values())
                .filter(a -> CardLifecycle.apply(BLOCKED, a) instanceof Transition.Allowed))
        .containsExactlyInAnyOrder(TERMINATE, REISSUE);
  }
}
