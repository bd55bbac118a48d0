package dev.cardos.dashboard.internal;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DashboardConfiguration {

  @Bean
  Argon2id argon2id() {
    return new Argon2id();
  }
}
