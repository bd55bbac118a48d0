package dev.cardos.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LegTest {

  @Test
  void aZeroLegIsRefused() {
    assertThatThrownBy(() -> new Leg("acct_1", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zero");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, -1, Long.MAX_VALUE, Long.MIN_VALUE})
  void aLegOfAnyNonZeroAmountIsKeptAsGiven(long amount) {
    assertThat(new Leg("acct_1", amount).amountMinor()).isEqualTo(amount);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, -1250, Long.MIN_VALUE})
  void debitRefusesANonPositiveAmount(long amount) {
    assertThatThrownBy(() -> Leg.debit("acct_1", amount))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, -1250, Long.MIN_VALUE})
  void creditRefusesANonPositiveAmount(long amount) {
    assertThatThrownBy(() -> Leg.credit("acct_1", amount))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  @Test
  void debitOfLongMinValueIsRefusedAsNotPositiveRatherThanOverflowing() {
    // -Long.MIN_VALUE does not exist; the positivity check must come before the negation.
    assertThatThrownBy(() -> Leg.debit("acct_1", Long.MIN_VALUE))
        .isExactlyInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void debitOfLongMaxValueTakesOutExactlyThatMuch() {
    assertThat(Leg.debit("acct_1", Long.MAX_VALUE).amountMinor()).isEqualTo(-Long.MAX_VALUE);
  }

  @Property
  void debitTakesOutAndCreditPutsInTheSameAmount(
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long amount) {
    Leg debit = Leg.debit("acct_from", amount);
    Leg credit = Leg.credit("acct_to", amount);

    assertThat(debit.amountMinor()).isEqualTo(-amount);
    assertThat(credit.amountMinor()).isEqualTo(amount);
    assertThat(debit.amountMinor() + credit.amountMinor()).isZero();
    assertThat(debit.accountId()).isEqualTo("acct_from");
    assertThat(credit.accountId()).isEqualTo("acct_to");
  }

  @Test
  void aPostingWithoutLegsIsRefused() {
    assertThatThrownBy(() -> new PostingRequest("transfer", "nothing", "tr_1", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("legs");
  }

  @Test
  void aPostingWithNullLegsIsRefused() {
    assertThatThrownBy(() -> new PostingRequest("transfer", "nothing", "tr_1", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aPostingKeepsItsOwnCopyOfTheLegs() {
    List<Leg> legs = new ArrayList<>();
    legs.add(Leg.debit("acct_from", 100));
    legs.add(Leg.credit("acct_to", 100));

    PostingRequest request = new PostingRequest("transfer", "rent", "tr_1", legs);
    legs.add(Leg.credit("acct_thief", 100));

    assertThat(request.legs())
        .containsExactly(Leg.debit("acct_from", 100), Leg.credit("acct_to", 100));
    assertThatThrownBy(() -> request.legs().add(Leg.credit("acct_thief", 1)))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
