package dev.cardos.events;

/** The event catalogue (SPEC §6); the wire name is the lower-case dotted form. */
public enum EventType {
  AUTHORIZATION_APPROVED("authorization.approved"),
  AUTHORIZATION_DECLINED("authorization.declined"),
  AUTHORIZATION_REVERSED("authorization.reversed"),
  AUTHORIZATION_EXPIRED("authorization.expired"),
  AUTHORIZATION_INCREMENTED("authorization.incremented"),
  TRANSACTION_SETTLED("transaction.settled"),
  TRANSACTION_REFUNDED("transaction.refunded"),
  CARD_CREATED("card.created"),
  CARD_ACTIVATED("card.activated"),
  CARD_FROZEN("card.frozen"),
  CARD_UNFROZEN("card.unfrozen"),
  CARD_BLOCKED("card.blocked"),
  CARD_TERMINATED("card.terminated"),
  CARD_EXPIRED("card.expired"),
  CARD_REISSUED("card.reissued"),
  CARD_PIN_CHANGED("card.pin_changed"),
  CARD_SHIPPED("card.shipped"),
  CARD_FUNDED("card.funded"),
  CARD_WITHDRAWN("card.withdrawn"),
  DEPOSIT_RECEIVED("deposit.received"),
  DISPUTE_CREATED("dispute.created"),
  DISPUTE_UPDATED("dispute.updated"),
  DISPUTE_CLOSED("dispute.closed"),
  WALLET_CREDITED("wallet.credited"),
  WALLET_DEBITED("wallet.debited"),
  WEBHOOK_ENDPOINT_DISABLED("webhook_endpoint.disabled"),
  TRANSFER_COMPLETED("transfer.completed");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The type with this wire name, if there is one. */
  public static java.util.Optional<EventType> fromWire(String value) {
    return java.util.Arrays.stream(values()).filter(t -> t.wire.equals(value)).findFirst();
  }
}
