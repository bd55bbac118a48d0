package dev.cardos.keys.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cardos.keys.KeyPurpose;
import dev.cardos.keys.Keys;
import dev.cardos.keys.MasterKey;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Timestamps;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Keys stored in {@code key_material}, each wrapped with AES-256-GCM under the master key and its
 * own id as associated data (so a wrapped key cannot be swapped onto another id). Unwrapped keys
 * are cached in memory; which PAN key is active is re-read every few seconds, so a rotation by
 * {@code cardos keys rotate} reaches a running server without a restart.
 */
public final class WrappedKeys implements Keys, SmartInitializingSingleton {

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String FIRST_PAN_DATA_KEY = "km_pan_data_first";
  private static final String PAN_LOOKUP_KEY = "km_pan_lookup";
  private static final Duration ACTIVE_KEY_TTL = Duration.ofSeconds(5);
  private static final String PAN_DATA = "pan_data";

  private final JdbcClient jdbc;
  private final byte[] master;
  private final Ids ids;
  private final Clock clock;
  private final TransactionOperations ownTransaction;
  private final SecureRandom random = new SecureRandom();
  private final Cache<String, byte[]> unwrapped = Caffeine.newBuilder().maximumSize(10_000).build();
  private final Cache<String, String> activeId =
      Caffeine.newBuilder().expireAfterWrite(ACTIVE_KEY_TTL).build();

  /**
   * {@code ownTransaction} commits the first keys on their own (at startup, see {@link
   * #ensureFirstKeys}), so that every node and request that finds their ids also finds their rows.
   */
  public WrappedKeys(
      JdbcClient jdbc,
      MasterKey master,
      Ids ids,
      Clock clock,
      TransactionOperations ownTransaction) {
    this.jdbc = jdbc;
    this.ownTransaction = ownTransaction;
    this.master = master.bytes();
    this.ids = ids;
    this.clock = clock;
  }

  @Override
  public String generate(KeyPurpose purpose) {
    String id = ids.next("km_");
    insert(id, purpose);
    return id;
  }

  @Override
  public byte[] material(String keyId) {
    return cached(
            unwrapped,
            keyId,
            () ->
                jdbc.sql("SELECT wrapped FROM key_material WHERE id = :id")
                    .param("id", keyId)
                    .query((rs, row) -> unwrap(keyId, rs.getBytes(1)))
                    .optional()
                    .orElseThrow(() -> new IllegalStateException("no key " + keyId)))
        .clone();
  }

  @Override
  public KeyRef activePanDataKey() {
    ensureFirstKeys();
    String id =
        cached(
            activeId,
            PAN_DATA,
            () ->
                jdbc.sql(
                        """
                        SELECT id FROM key_material
                        WHERE purpose = 'pan_data' AND status = 'active'
                        ORDER BY created_at DESC, id DESC LIMIT 1
                        """)
                    .query(String.class)
                    .single());
    return new KeyRef(id, material(id));
  }

  /**
   * The cached value, else {@code load}'s, loaded outside the cache's lock: a caller waiting on
   * another's load would hold its own connection (inside a transaction) while the loader, outside
   * one, waits for the pool. Two threads may both load a key the first time; they load the same.
   */
  private static <V> V cached(Cache<String, V> cache, String key, Supplier<V> load) {
    V value = cache.getIfPresent(key);
    if (value == null) {
      value = load.get();
      cache.put(key, value);
    }
    return value;
  }

  @Override
  public KeyRef panLookupKey() {
    ensureFirstKeys();
    return new KeyRef(PAN_LOOKUP_KEY, material(PAN_LOOKUP_KEY));
  }

  @Override
  public int retirePanDataKeysExcept(String keyId) {
    int retired =
        jdbc.sql(
                """
            UPDATE key_material SET status = 'retired'
            WHERE purpose = 'pan_data' AND id <> :id AND status = 'active'
            """)
            .param("id", keyId)
            .update();
    activeId.invalidateAll();
    return retired;
  }

  private volatile boolean firstKeysPresent;

  /**
   * Creates the first PAN data key and the look-up key unless the database has them (a fresh
   * install), each committed on its own, once per process. The node does it at startup, before it
   * serves: a request that found them missing would need a second connection while holding its own,
   * and as many such requests as the pool has connections would wait on one another until the
   * pool's timeout.
   */
  public void ensureFirstKeys() {
    if (!firstKeysPresent) {
      insertIfAbsent(FIRST_PAN_DATA_KEY, KeyPurpose.PAN_DATA);
      insertIfAbsent(PAN_LOOKUP_KEY, KeyPurpose.PAN_LOOKUP);
      firstKeysPresent = true;
    }
  }

  /**
   * At startup, before the node serves: the first keys made, and the keys every node uses read into
   * memory. A request that found a key's cache empty would load it on its own connection, or borrow
   * one while requests inside transactions wait for the same key.
   */
  @Override
  public void afterSingletonsInstantiated() {
    panLookupKey();
    activePanDataKey();
  }

  private void insert(String id, KeyPurpose purpose) {
    jdbc.sql(
            """
            INSERT INTO key_material (id, purpose, wrapped, status, created_at)
            VALUES (:id, :purpose, :wrapped, 'active', :at)
            """)
        .param("id", id)
        .param("purpose", purpose.wire())
        .param("wrapped", wrap(id, fresh(purpose)))
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .update();
  }

  private void insertIfAbsent(String id, KeyPurpose purpose) {
    ownTransaction.executeWithoutResult(tx -> insertFirst(id, purpose));
  }

  private void insertFirst(String id, KeyPurpose purpose) {
    jdbc.sql(
            """
            INSERT INTO key_material (id, purpose, wrapped, status, created_at)
            VALUES (:id, :purpose, :wrapped, 'active', :at)
            ON CONFLICT (id) DO NOTHING
            """)
        .param("id", id)
        .param("purpose", purpose.wire())
        .param("wrapped", wrap(id, fresh(purpose)))
        .param("at", Timestamps.sql(Timestamps.now(clock)))
        .update();
  }

  private byte[] fresh(KeyPurpose purpose) {
    byte[] key = new byte[purpose.lengthBytes()];
    random.nextBytes(key);
    return key;
  }

  private byte[] wrap(String id, byte[] key) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(master, "AES"),
          new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(id.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(key);
      return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not wrap key " + id, e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private byte[] unwrap(String id, byte[] wrapped) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(master, "AES"),
          new GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE_BYTES));
      cipher.updateAAD(id.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(wrapped, NONCE_BYTES, wrapped.length - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      // Most likely another master key than the one that wrapped it.
      throw new IllegalStateException(
          "could not unwrap key " + id + ": is CARDOS_MASTER_KEY the one it was created with?", e);
    }
  }
}
