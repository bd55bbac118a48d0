package dev.cardos.ledger;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * What an account is for. Tenant accounts ({@code funding}, {@code wallet}, {@code card}) never go
 * below zero available; system accounts record the other side of money entering, leaving or
 * changing currency, and some of them (settlement, fx) may go negative.
 */
public enum AccountKind {
  /** A business's money in one currency, funded by deposits. */
  @JsonProperty("funding")
  FUNDING(false),
  /** A cardholder's own balance in one currency. */
  @JsonProperty("wallet")
  WALLET(false),
  /** A card's own balance. */
  @JsonProperty("card")
  CARD(false),
  /** Fees earned by the tenant. */
  @JsonProperty("fee_revenue")
  FEE_REVENUE(false),
  /** Money owed to or by the sponsor bank and the outside world: deposits come from here. */
  @JsonProperty("settlement")
  SETTLEMENT(true),
  /** The currency position taken by conversions. */
  @JsonProperty("fx")
  FX(true),
  /** Amounts awaiting investigation or collection. */
  @JsonProperty("suspense")
  SUSPENSE(true);

  private final boolean mayGoNegative;

  AccountKind(boolean mayGoNegative) {
    this.mayGoNegative = mayGoNegative;
  }

  public boolean mayGoNegative() {
    return mayGoNegative;
  }

  /** Whether CardOS opens this account itself, once per realm and currency. */
  public boolean system() {
    return this == FEE_REVENUE || this == SETTLEMENT || this == FX || this == SUSPENSE;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AccountKind fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
