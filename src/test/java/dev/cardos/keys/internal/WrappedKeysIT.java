package dev.cardos.keys.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cardos.database.DatabaseProperties;
import dev.cardos.keys.Keys;
import dev.cardos.keys.MasterKey;
import dev.cardos.shared.Ids;
import dev.cardos.testing.ServerTest;
import java.time.Clock;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A request that needs a key holds its own connection, and never needs a second one for the key:
 * with a pool of one connection, reading the active PAN key and the look-up key inside a
 * transaction works once the node has started. Before the first keys were made at startup, the
 * store made sure of them (each in a transaction of its own, on a second connection) every time it
 * re-read the active key, and as many issuances as the pool has connections waited on one another
 * until the pool's timeout.
 */
@ServerTest
class WrappedKeysIT {

  @Autowired DataSource serverDataSource;
  @Autowired DatabaseProperties database;

  @Value("${cardos.keys.master-key:}")
  String masterKey;

  @Test
  void aKeyReadInsideATransactionNeedsNoSecondConnection() {
    HikariDataSource server = (HikariDataSource) serverDataSource;
    try (HikariDataSource one = new HikariDataSource()) {
      one.setJdbcUrl(server.getJdbcUrl());
      one.setUsername(server.getUsername());
      one.setPassword(server.getPassword());
      one.setMaximumPoolSize(1);
      one.setConnectionTimeout(1_000);
      DataSourceTransactionManager manager = new DataSourceTransactionManager(one);
      TransactionTemplate ownTransaction = new TransactionTemplate(manager);
      ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
      Clock clock = Clock.systemUTC();
      WrappedKeys keys =
          new WrappedKeys(
              JdbcClient.create(one),
              // The server's: the first keys are in the database already, wrapped under it.
              MasterKey.load(masterKey, database.dataDir()),
              new Ids(clock),
              clock,
              ownTransaction);
      // What the node does once, at startup, before it serves.
      keys.afterSingletonsInstantiated();

      Keys.KeyRef[] read =
          new TransactionTemplate(manager)
              .execute(status -> new Keys.KeyRef[] {keys.activePanDataKey(), keys.panLookupKey()});

      assertThat(read[0].id()).startsWith("km_");
      assertThat(read[0].material()).hasSize(32);
      assertThat(read[1].id()).isEqualTo("km_pan_lookup");
      assertThat(one.getHikariPoolMXBean().getActiveConnections()).isZero();
    }
  }
}
