package dev.cardos.keys.internal;

import dev.cardos.database.DatabaseProperties;
import dev.cardos.keys.Keys;
import dev.cardos.keys.MasterKey;
import dev.cardos.shared.Ids;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class KeysConfiguration {

  @Bean
  Keys keys(
      JdbcClient jdbc,
      Ids ids,
      Clock clock,
      @Value("${cardos.keys.master-key:}") String masterKey,
      DatabaseProperties database,
      PlatformTransactionManager transactions) {
    TransactionTemplate ownTransaction = new TransactionTemplate(transactions);
    ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    // The same data directory the embedded database uses, resolved once.
    return new WrappedKeys(
        jdbc, MasterKey.load(masterKey, database.dataDir()), ids, clock, ownTransaction);
  }
}
