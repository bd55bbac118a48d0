package dev.cardos.shared;

/**
 * How a handler keeps a secret out of the idempotency store. An answer that shows a secret once (a
 * new API key) sets {@link #REDACTED_BODY_ATTRIBUTE} to the answer without the secret; that object,
 * not the answer sent, is what a replay with the same key returns.
 */
public final class IdempotentReplay {

  /** Request attribute holding the object to store for replays instead of the answer sent. */
  public static final String REDACTED_BODY_ATTRIBUTE = "cardos.idempotency.redactedBody";

  private IdempotentReplay() {}
}
