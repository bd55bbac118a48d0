package dev.cardos.authorization.internal;

import dev.cardos.cards.Card;
import dev.cardos.cards.Cards;
import dev.cardos.controls.Controls;
import dev.cardos.controls.SpendControls;
import dev.cardos.controls.Window;
import dev.cardos.ledger.Ledger;
import dev.cardos.programs.Program;
import dev.cardos.programs.Programs;
import dev.cardos.shared.Problem;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/cards/{id}/spend}: used and remaining per window, at card and cardholder level.
 */
@RestController
@Tag(name = "authorizations")
class SpendController {

  private final Cards cards;
  private final Programs programs;
  private final Controls controls;
  private final Ledger ledger;
  private final Clock clock;

  SpendController(Cards cards, Programs programs, Controls controls, Ledger ledger, Clock clock) {
    this.cards = cards;
    this.programs = programs;
    this.controls = controls;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** One window of one level: amounts in the card's account currency. */
  record WindowSpend(
      String level,
      String window,
      String windowKey,
      Instant resetsAt,
      Long amountLimit,
      long amountUsed,
      Long amountRemaining,
      Long countLimit,
      long countUsed) {}

  record Spend(String cardId, String currency, String timeZone, List<WindowSpend> windows) {}

  @GetMapping("/v1/cards/{id}/spend")
  @RequiresScope(Scope.CARDS_READ)
  @Operation(summary = "What the card has spent and may still spend, per window and level")
  Spend spend(Realm realm, @PathVariable String id) {
    Card card = cards.find(realm, id).orElseThrow(() -> Problem.notFound("card", id));
    Program program = programs.find(realm.tenantId(), card.programId()).orElseThrow();
    String currency = ledger.find(realm, card.accountId()).orElseThrow().currency();
    ZoneId zone = ZoneId.of(program.timeZone());
    Instant now = clock.instant();
    List<WindowSpend> windows = new ArrayList<>();
    SpendControls cardLevel =
        SpendControls.mostRestrictive(
            List.of(
                Controls.fromProgram(program.defaultControls()),
                controls.find(realm, card.id()).orElse(SpendControls.NONE)));
    add(windows, "card", card.id(), cardLevel, now, zone);
    if (card.cardholderId() != null) {
      add(
          windows,
          "cardholder",
          card.cardholderId(),
          controls.find(realm, card.cardholderId()).orElse(SpendControls.NONE),
          now,
          zone);
    }
    return new Spend(card.id(), currency, program.timeZone(), windows);
  }

  private void add(
      List<WindowSpend> out,
      String level,
      String subject,
      SpendControls c,
      Instant now,
      ZoneId zone) {
    List<String> keys = new ArrayList<>();
    for (Window w : Window.values()) {
      keys.add(w.key(now, zone));
    }
    Map<String, Controls.Used> used = controls.usage(subject, keys);
    for (Window w : Window.values()) {
      String key = w.key(now, zone);
      Controls.Used u = used.getOrDefault(key, new Controls.Used(0, 0));
      Long amountLimit = limit(c.amountLimits(), w);
      Long countLimit = limit(c.countLimits(), w);
      out.add(
          new WindowSpend(
              level,
              w.wire(),
              key,
              w.end(now, zone),
              amountLimit,
              u.amount(),
              amountLimit == null ? null : Math.max(0, amountLimit - u.amount()),
              countLimit,
              u.count()));
    }
  }

  private static Long limit(List<SpendControls.WindowLimit> limits, Window window) {
    return limits.stream()
        .filter(l -> l.window() == window)
        .map(SpendControls.WindowLimit::limit)
        .findFirst()
        .orElse(null);
  }
}
