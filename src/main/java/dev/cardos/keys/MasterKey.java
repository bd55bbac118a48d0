package dev.cardos.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key that wraps every other key: 32 bytes from {@code CARDOS_MASTER_KEY} (base64), else from
 * the file {@code master.key} in the data directory, created with owner-only permissions on first
 * start. It is never stored in the database, so a copy of the database alone reveals no card
 * number. In production, give it through the environment from a secret manager, or replace {@link
 * Keys} with an HSM.
 */
public final class MasterKey {

  private static final int LENGTH = 32;

  private final byte[] key;

  private MasterKey(byte[] key) {
    if (key.length != LENGTH) {
      throw new IllegalStateException("the master key must be 32 bytes (base64 of 32 bytes)");
    }
    this.key = key.clone();
  }

  public byte[] bytes() {
    return key.clone();
  }

  /** From the configured value if there is one, else from (or into) {@code dataDir/master.key}. */
  public static MasterKey load(String configured, Path dataDir) {
    if (configured != null && !configured.isBlank()) {
      return new MasterKey(Base64.getDecoder().decode(configured.trim()));
    }
    Path file = dataDir.resolve("master.key");
    try {
      if (Files.exists(file)) {
        return new MasterKey(Base64.getDecoder().decode(Files.readString(file).trim()));
      }
      Files.createDirectories(dataDir);
      byte[] fresh = new byte[LENGTH];
      new SecureRandom().nextBytes(fresh);
      Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the file inherits the data directory's permissions.
      }
      return new MasterKey(fresh);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read or create the master key in " + dataDir, e);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[hidden]";
  }
}
