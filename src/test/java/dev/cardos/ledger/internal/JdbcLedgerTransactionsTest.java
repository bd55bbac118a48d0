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
 * transaction interceptor): every other public method must state its own.
 */
class JdbcLedgerTransactionsTest {

  @Test
  void everyPublicMethodButTheAccountReadStatesItsTransaction() {
    List<String> without =
        Arrays.stream(JdbcLedger.class.getDeclaredMethods())
            .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
            .filter(m -> !m.isAnnotationPresent(Transactional.class))
            .map(Method::getName)
            .toList();
    assertThat(without).containsExactly("find");
  }
}
