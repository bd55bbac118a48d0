package dev.cardos.keys;

/**
 * The key store. Key bytes leave it only to the card vault and card cryptography in this process,
 * never to a log, an error message, an event or an API answer.
 */
public interface Keys {

  /** Creates a new random key for the purpose; returns its id. */
  String generate(KeyPurpose purpose);

  /** The key's bytes; throws if there is no such key. */
  byte[] material(String keyId);

  /**
   * The key that encrypts new card numbers now (a node makes the first at startup when there is
   * none).
   */
  KeyRef activePanDataKey();

  /** The one HMAC key for card number look-ups (a node makes it at startup when there is none). */
  KeyRef panLookupKey();

  /** Retires every PAN data key but {@code keyId} once nothing is encrypted under them. */
  int retirePanDataKeysExcept(String keyId);

  /** A key store over {@code key_material} for command-line tools, outside Spring. */
  static Keys open(org.springframework.jdbc.core.simple.JdbcClient jdbc, MasterKey master) {
    java.time.Clock clock = java.time.Clock.systemUTC();
    return new dev.cardos.keys.internal.WrappedKeys(
        jdbc,
        master,
        new dev.cardos.shared.Ids(clock),
        clock,
        org.springframework.transaction.support.TransactionOperations.withoutTransaction());
  }

  /** A key with its id. {@code toString} never shows the bytes. */
  record KeyRef(String id, byte[] material) {
    @Override
    public String toString() {
      return "KeyRef[" + id + "]";
    }
  }
}
