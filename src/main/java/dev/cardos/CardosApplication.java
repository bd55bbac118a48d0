package dev.cardos;

import dev.cardos.bench.Bench;
import dev.cardos.cards.KeysCommand;
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
    // Command-line tools, not the server: they print their reports to the terminal.
    if (args.length > 0 && "ledger".equals(args[0])) {
      System.exit(LedgerCommand.run(args, System.getenv(), System.out));
    }
    if (args.length > 0 && "keys".equals(args[0])) {
      System.exit(KeysCommand.run(args, System.getenv(), System.out));
    }
    if (args.length > 0 && "bench".equals(args[0])) {
      System.exit(Bench.run(args, System.getenv(), System.out));
    }
    SpringApplication.run(CardosApplication.class, args);
  }
}
