package dev.cardos;

import dev.cardos.ledger.LedgerCommand;
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
    if (args.length > 0 && "ledger".equals(args[0])) {
      // A command-line tool, not the server: it prints its report to the terminal.
      System.exit(LedgerCommand.run(args, System.getenv(), System.out));
    }
    SpringApplication.run(CardosApplication.class, args);
  }
}
