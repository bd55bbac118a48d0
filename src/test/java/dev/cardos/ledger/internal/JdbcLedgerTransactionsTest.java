package dev.cardos.ledger.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.annotation.Transactional;

/**
 * The ledger has no class-wide transaction (so that the authorization path's account read skips the
 * transaction interceptor, and the read it hands to the authorization path runs nothing itself):
 * every other method a proxy can call (public or package-private) must state its own.
 */
class JdbcLedgerTransactionsTest {

  @Test
  void everyMethodAProxyCanCallButTheAccountReadsStatesItsTransaction() {
    List<String> without =
        Arrays.stream(JdbcLedger.class.getDeclaredMethods())
            .filter(m -> !Modifier.isPrivate(m.getModifiers()))
            .filter(m -> !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic())
            .filter(m -> !m.isAnnotationPresent(Transactional.class))
            .map(Method::getName)
            .toList();
    assertThat(without).containsExactlyInAnyOrder("find", "findRead");
  }
}
