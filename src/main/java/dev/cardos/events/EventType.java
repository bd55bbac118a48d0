package dev.cardos.events;

/** The event catalogue (SPEC §6); the wire name is the lower-case dotted form. */
public enum EventType {
  DEPOSIT_RECEIVED("deposit.received"),
  WALLET_CREDITED("wallet.credited"),
  WALLET_DEBITED("wallet.debited"),
  TRANSFER_COMPLETED("transfer.completed");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
