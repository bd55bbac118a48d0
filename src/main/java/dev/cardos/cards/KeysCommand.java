package dev.cardos.cards;

import dev.cardos.cards.internal.PanKeyRotation;
import dev.cardos.database.ToolDatabase;
import java.io.PrintStream;
import java.util.Map;

/**
 * {@code cardos keys rotate}: creates a new card-number key and re-encrypts every card number under
 * it, in small batches, while CardOS keeps running (a running server picks the new key up within
 * seconds). Exit code 0 when every card is under the new key.
 */
public final class KeysCommand {

  private KeysCommand() {}

  public static int run(String[] args, Map<String, String> env, PrintStream out) {
    if (args.length < 2 || !"rotate".equals(args[1])) {
      out.println("usage: cardos keys rotate");
      return 2;
    }
    try (ToolDatabase database = ToolDatabase.open(env)) {
      out.println("Rotating the card number key in " + database.description());
      PanKeyRotation.Result result = PanKeyRotation.rotate(database.connection(), env, out);
      out.printf(
          "OK: %d card numbers re-encrypted under %s; %d older keys retired%n",
          result.reencrypted(), result.newKeyId(), result.retired());
      return 0;
    } catch (Exception e) {
      out.println("cardos keys rotate: " + e.getMessage());
      return 2;
    }
  }
}
