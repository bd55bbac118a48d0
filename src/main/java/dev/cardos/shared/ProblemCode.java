package dev.cardos.shared;

/**
 * The public catalogue of problem codes (documented in {@code docs/errors.md}). A code, its HTTP
 * status and its title never change once released; new codes may be added.
 */
public enum ProblemCode {
  VALIDATION_FAILED(400, "The request has invalid fields"),
  MALFORMED_JSON(400, "The request body is not valid JSON"),
  UNKNOWN_FIELD(400, "The request body has a field this endpoint does not accept"),
  INVALID_PARAMETER(400, "A query or path parameter is invalid"),
  AUTHENTICATION_REQUIRED(401, "A valid API key is required"),
  SCOPE_MISSING(403, "The API key lacks a scope this endpoint requires"),
  OPERATOR_ONLY(403, "Only the operator key may call this endpoint"),
  TENANT_KEY_REQUIRED(403, "This endpoint needs a tenant API key"),
  NETWORK_ONLY(403, "Only the card network's key may call this endpoint"),
  RESOURCE_NOT_FOUND(404, "No such object"),
  ROUTE_NOT_FOUND(404, "No such endpoint"),
  METHOD_NOT_ALLOWED(405, "The endpoint does not accept this method"),
  NOT_ACCEPTABLE(406, "The endpoint cannot answer in the requested media type"),
  UNSUPPORTED_MEDIA_TYPE(415, "The request body must be application/json"),
  REFERENCE_TAKEN(409, "Another object already uses this reference"),
  STATE_CONFLICT(409, "The object is not in a state that allows this"),
  ACCOUNT_EXISTS(409, "Such an account already exists"),
  DISPUTE_STATE_CONFLICT(409, "The dispute's status does not allow this action"),
  DISPUTE_WINDOW_CLOSED(422, "The transaction is past its dispute filing window"),
  DISPUTE_AMOUNT_EXCEEDED(422, "The amount exceeds what can still be disputed"),
  UNSUPPORTED_EVIDENCE_TYPE(422, "Evidence files must be PDF, PNG or JPEG"),
  BIN_TAKEN(409, "This BIN is already recorded"),
  CARD_STATE_CONFLICT(409, "The card's status does not allow this action"),
  CARDHOLDER_NOT_VERIFIED(409, "Cards are issued to verified cardholders only"),
  CARD_LIMIT_REACHED(409, "The cardholder has as many cards as the program allows"),
  REVEAL_NOT_ALLOWED(409, "The program does not allow revealing card details on demand"),
  ACTIVATION_FAILED(422, "The activation details do not match the card"),
  INVALID_PIN_BLOCK(422, "The PIN block does not decrypt to a valid PIN"),
  INSUFFICIENT_FUNDS(409, "The account's available balance does not cover the amount"),
  CURRENCY_MISMATCH(422, "The amount's currency does not match the account's"),
  FX_RATE_UNAVAILABLE(422, "No exchange rate is set for this currency pair"),
  FEE_EXCEEDS_AMOUNT(422, "The fees would exceed the amount"),
  RECIPIENT_VERIFICATION_FAILED(422, "The recipient's details do not match one cardholder"),
  LIVE_MODE_UNSUPPORTED(422, "This operation is available in test mode only"),
  ENDPOINT_URL_REFUSED(422, "The webhook URL is not allowed"),
  IDEMPOTENCY_KEY_REUSED(422, "The Idempotency-Key was used with a different request"),
  IDEMPOTENCY_KEY_INVALID(400, "The Idempotency-Key header is invalid"),
  RATE_LIMITED(429, "Too many requests for this API key"),
  PAYLOAD_TOO_LARGE(413, "The request body is too large"),
  INTERNAL_ERROR(500, "An unexpected error occurred"),
  SERVICE_UNAVAILABLE(503, "CardOS cannot reach its database just now");

  private final int status;
  private final String title;

  ProblemCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The stable machine code, as it appears in the {@code code} member of a problem. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
