package dev.cardos.authorization;

import java.time.Instant;
import java.util.Map;

/**
 * A posted money movement on a card: a settlement (clearing of an authorization), a force post
 * (clearing without one) or a refund. {@code reviewRequired} flags a clearing that went beyond what
 * was authorized and available: the shortfall is booked to the suspense account.
 */
public record Transaction(
    String id,
    boolean livemode,
    String cardId,
    String cardholderId,
    String accountId,
    String authorizationId,
    String networkTransactionId,
    String kind,
    long amount,
    String currency,
    long cardAmount,
    String cardCurrency,
    Map<String, String> merchant,
    String postingId,
    boolean reviewRequired,
    String reviewReason,
    Instant createdAt) {}
