package dev.cardos.authorization;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One network request and its decision, as the API and events show it: never a card number.
 * Amounts: {@code amount} in the merchant's currency, {@code cardAmount} in the account's.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Authorization(
    String id,
    boolean livemode,
    String cardId,
    String cardholderId,
    String accountId,
    String networkTransactionId,
    long amount,
    String currency,
    Long cardAmount,
    String cardCurrency,
    String fxRate,
    Map<String, String> merchant,
    String channel,
    boolean approved,
    String status,
    String declineReason,
    String responseCode,
    String explanation,
    String decisionSource,
    Integer webhookLatencyMs,
    String webhookReason,
    Map<String, Object> webhookMetadata,
    String holdId,
    int decisionLatencyMs,
    long heldAmount,
    long clearedAmount,
    long reversedAmount,
    Instant createdAt) {}
