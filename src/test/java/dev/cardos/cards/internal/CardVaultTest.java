package dev.cardos.cards.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.cards.Pan;
import dev.cardos.keys.KeyPurpose;
import dev.cardos.keys.Keys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The look-up hash: HMAC-SHA256 under the look-up key, the same from any thread at any time. */
class CardVaultTest {

  private static final byte[] LOOKUP_KEY = "0123456789abcdef0123456789abcdef".getBytes();

  private final CardVault vault = new CardVault(new LookupKeyOnly());

  @Test
  void theLookupHashIsTheHmacOfTheNumberUnderTheLookupKey() throws Exception {
    Mac independent = Mac.getInstance("HmacSHA256");
    independent.init(new SecretKeySpec(LOOKUP_KEY, "HmacSHA256"));

    assertThat(vault.lookupHash(new Pan("4111111111111111")))
        .isEqualTo(independent.doFinal("4111111111111111".getBytes(StandardCharsets.US_ASCII)));
    assertThat(vault.lookupHash(new Pan("4111111111111111")))
        .isNotEqualTo(vault.lookupHash(new Pan("4000056655665556")));
  }

  @Test
  void manyThreadsHashingAtOnceEachGetTheirOwnNumbersHash() throws Exception {
    Mac independent = Mac.getInstance("HmacSHA256");
    independent.init(new SecretKeySpec(LOOKUP_KEY, "HmacSHA256"));
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      numbers.add(String.format("4%015d", i));
    }
    List<Future<byte[]>> hashes = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String n : numbers) {
        hashes.add(threads.submit(() -> vault.lookupHash(new Pan(n))));
      }
    }
    for (int i = 0; i < numbers.size(); i++) {
      assertThat(hashes.get(i).get())
          .as(numbers.get(i))
          .isEqualTo(independent.doFinal(numbers.get(i).getBytes(StandardCharsets.US_ASCII)));
    }
  }

  /** Keys that hold only the look-up key. */
  private static final class LookupKeyOnly implements Keys {
    @Override
    public String generate(KeyPurpose purpose) {
      throw new UnsupportedOperationException();
    }

    @Override
    public byte[] material(String keyId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public KeyRef activePanDataKey() {
      throw new UnsupportedOperationException();
    }

    @Override
    public KeyRef panLookupKey() {
      return new KeyRef("km_pan_lookup", LOOKUP_KEY.clone());
    }

    @Override
    public int retirePanDataKeysExcept(String keyId) {
      throw new UnsupportedOperationException();
    }
  }
}
