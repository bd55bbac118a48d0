package dev.cardos.keys.internal;

import dev.cardos.keys.Keys;
import dev.cardos.keys.MasterKey;
import dev.cardos.shared.Ids;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class KeysConfiguration {

  @Bean
  Keys keys(
      JdbcClient jdbc,
      Ids ids,
      Clock clock,
      @Value("${cardos.keys.master-key:}") String masterKey,
      @Value("${cardos.db.data-dir:./data}") Path dataDir) {
    return new WrappedKeys(jdbc, MasterKey.load(masterKey, dataDir), ids, clock);
  }
}
