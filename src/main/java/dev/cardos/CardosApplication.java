package dev.cardos;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** CardOS: a self-hostable, programmable card-issuing platform. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CardosApplication {

  public static void main(String[] args) {
    SpringApplication.run(CardosApplication.class, args);
  }
}
