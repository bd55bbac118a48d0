package dev.cardos.events.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/**
 * The live-mode sender's resolver: whatever a name resolves to at connection time is checked, so a
 * name that passed the check before the send and then re-resolves inward (DNS rebinding) fails.
 */
class InternalAddressRefusedTest {

  private final WebhookDispatcher.InternalAddressRefused resolver =
      new WebhookDispatcher.InternalAddressRefused();

  @Test
  void namesAndLiteralsResolvingInsideTheNetworkAreRefused() {
    for (String host :
        new String[] {"localhost", "127.0.0.1", "10.1.2.3", "169.254.169.254", "[::1]", "::1"}) {
      assertThatThrownBy(() -> resolver.resolve(host))
          .as(host)
          .isInstanceOf(UnknownHostException.class)
          .satisfies(
              e ->
                  assertThat(WebhookDispatcher.InternalAddressRefused.is((UnknownHostException) e))
                      .isTrue());
    }
  }

  @Test
  void aPublicAddressResolvesToItself() throws Exception {
    assertThat(resolver.resolve("93.184.215.14"))
        .extracting(a -> a.getHostAddress())
        .containsExactly("93.184.215.14");
  }

  @Test
  void aNameThatDoesNotResolveIsNotMistakenForAnInternalOne() {
    assertThat(WebhookDispatcher.InternalAddressRefused.is(new UnknownHostException("nowhere")))
        .isFalse();
    assertThat(WebhookDispatcher.InternalAddressRefused.is(new UnknownHostException())).isFalse();
  }
}
