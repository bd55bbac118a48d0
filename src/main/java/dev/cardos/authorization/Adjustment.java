package dev.cardos.authorization;

import java.time.Instant;

/**
 * An incremental authorization or a reversal of an approved authorization, answered like a network
 * message: approved or not, with its response code.
 */
public record Adjustment(
    String id,
    String authorizationId,
    String networkTransactionId,
    String kind,
    boolean approved,
    String responseCode,
    long amount,
    long cardAmount,
    String explanation,
    Instant createdAt) {}
