package dev.cardos.dashboard.internal;

import dev.cardos.authorization.Authorizations;
import dev.cardos.cardholders.CardholderSearch;
import dev.cardos.cards.Card;
import dev.cardos.cards.CardAction;
import dev.cardos.cards.CardOperations;
import dev.cardos.cards.CardStatus;
import dev.cardos.cards.Cards;
import dev.cardos.controls.Controls;
import dev.cardos.controls.SpendControls;
import dev.cardos.controls.Window;
import dev.cardos.ledger.Account;
import dev.cardos.ledger.Ledger;
import dev.cardos.programs.Program;
import dev.cardos.programs.Programs;
import dev.cardos.shared.Ids;
import dev.cardos.shared.Problem;
import dev.cardos.tenancy.Realm;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Cards: search, the card page (status, controls, spend per window, balance, recent authorizations
 * with their reasons in words) and its actions. Every action is confirmed on a page of its own
 * before it runs, runs through {@link CardOperations} or {@link Controls} (the API's own domain
 * code) and is audited in the same transaction.
 */
@Controller
class CardPages implements DashboardPage {

  private static final int SEARCH_LIMIT = 50;
  private static final int RECENT_AUTHORIZATIONS = 20;
  private static final List<String> BLOCK_REASONS = List.of("lost", "stolen", "fraud", "damaged");
  static final Map<String, String> NOTICES =
      Map.of(
          "freeze", "Card frozen: every authorization is declined until it is unfrozen.",
          "unfreeze", "Card unfrozen.",
          "block", "Card blocked for good.",
          "limits", "Limits changed: they apply to the very next authorization.",
          "fund", "Card funded.",
          "issued", "Card issued.");

  private final Cards cards;
  private final CardOperations operations;
  private final CardholderSearch cardholders;
  private final Controls controls;
  private final Programs programs;
  private final Ledger ledger;
  private final Authorizations authorizations;
  private final DashboardAudit audit;
  private final TransactionTemplate transactions;
  private final Clock clock;

  CardPages(
      Cards cards,
      CardOperations operations,
      CardholderSearch cardholders,
      Controls controls,
      Programs programs,
      Ledger ledger,
      Authorizations authorizations,
      DashboardAudit audit,
      TransactionTemplate transactions,
      Clock clock) {
    this.cards = cards;
    this.operations = operations;
    this.cardholders = cardholders;
    this.controls = controls;
    this.programs = programs;
    this.ledger = ledger;
    this.authorizations = authorizations;
    this.audit = audit;
    this.transactions = transactions;
    this.clock = clock;
  }

  @GetMapping("/dashboard/cards")
  String search(
      @RequestParam(required = false) String last4,
      @RequestParam(required = false) String reference,
      @RequestParam(required = false) String cardholder,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String metadata,
      HttpServletRequest request,
      Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.VIEW_CARDS);
    String l4 = blankToNull(last4);
    if (l4 != null && !l4.matches("[0-9]{4}")) {
      throw Problem.invalidField("last4", "must be the last 4 digits of the card number");
    }
    CardStatus st = null;
    if (blankToNull(status) != null) {
      try {
        st = CardStatus.fromWire(status.strip());
      } catch (IllegalArgumentException e) {
        throw Problem.invalidField("status", "must be one of the listed statuses");
      }
    }
    Map<String, String> meta = new LinkedHashMap<>();
    if (blankToNull(metadata) != null) {
      int eq = metadata.indexOf('=');
      if (eq < 1) {
        throw Problem.invalidField("metadata", "must be key=value");
      }
      meta.put(metadata.substring(0, eq).strip(), metadata.substring(eq + 1).strip());
    }
    Realm realm = me.realm();
    List<String> holders =
        blankToNull(cardholder) == null ? null : cardholders.idsMatching(realm, cardholder, 500);
    List<Card> found =
        operations.search(
            realm,
            new CardOperations.CardQuery(l4, blankToNull(reference), holders, st, meta),
            SEARCH_LIMIT);
    model.addAttribute("cards", found);
    model.addAttribute("statuses", CardStatus.values());
    model.addAttribute("q_last4", last4);
    model.addAttribute("q_reference", reference);
    model.addAttribute("q_cardholder", cardholder);
    model.addAttribute("q_status", status);
    model.addAttribute("q_metadata", metadata);
    return "dashboard/cards";
  }

  /** One window's spend for the chart: used against the effective limit, in the card currency. */
  public record WindowSpend(String window, long used, Long limit, long count, int usedPercent) {}

  @GetMapping("/dashboard/cards/{id}")
  String card(
      @PathVariable String id,
      @RequestParam(required = false) String notice,
      HttpServletRequest request,
      Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.VIEW_CARDS);
    Realm realm = me.realm();
    Card card = cards.find(realm, id).orElseThrow(() -> Problem.notFound("card", id));
    Program program = programs.find(realm.tenantId(), card.programId()).orElseThrow();
    Account account = ledger.find(realm, card.accountId()).orElseThrow();
    SpendControls own = controls.find(realm, card.id()).orElse(SpendControls.NONE);
    SpendControls effective =
        SpendControls.mostRestrictive(
            List.of(Controls.fromProgram(program.defaultControls()), own));
    model.addAttribute("card", card);
    model.addAttribute("program", program);
    model.addAttribute("account", account);
    model.addAttribute("own", own);
    model.addAttribute("effective", effective);
    model.addAttribute("spend", spend(card, effective, program));
    model.addAttribute(
        "authorizations",
        me.can(Permission.VIEW_TRANSACTIONS)
            ? authorizations.search(
                realm,
                new Authorizations.Search(card.id(), null, null, null, null, null),
                RECENT_AUTHORIZATIONS)
            : List.of());
    model.addAttribute("transitions", operations.transitions(realm, card.id(), 10));
    model.addAttribute("notice", notice == null ? null : NOTICES.get(notice));
    model.addAttribute("blockReasons", BLOCK_REASONS);
    return "dashboard/card";
  }

  private List<WindowSpend> spend(Card card, SpendControls effective, Program program) {
    ZoneId zone = ZoneId.of(program.timeZone());
    Instant now = clock.instant();
    List<String> keys = new ArrayList<>();
    for (Window w : Window.values()) {
      keys.add(w.key(now, zone));
    }
    Map<String, Controls.Used> used = controls.usage(card.id(), keys);
    // A window with a limit is drawn against its limit; one without, against the largest use.
    long usedMax = 1;
    for (Controls.Used u : used.values()) {
      usedMax = Math.max(usedMax, u.amount());
    }
    List<WindowSpend> out = new ArrayList<>();
    for (Window w : Window.values()) {
      Controls.Used u = used.getOrDefault(w.key(now, zone), new Controls.Used(0, 0));
      Long limit =
          effective.amountLimits().stream()
              .filter(l -> l.window() == w)
              .map(SpendControls.WindowLimit::limit)
              .findFirst()
              .orElse(null);
      long scale = limit == null || limit <= 0 ? usedMax : limit;
      out.add(
          new WindowSpend(
              w.name().toLowerCase(Locale.ROOT),
              u.amount(),
              limit,
              u.count(),
              percent(u.amount(), scale)));
    }
    return out;
  }

  /** Whole percent of {@code scale} (positive), capped at 100, exact and without overflow. */
  static int percent(long amount, long scale) {
    if (amount >= scale) {
      return 100;
    }
    if (amount <= 0) {
      return 0;
    }
    // amount < scale, so amount * 100 fits whenever scale * 100 does.
    return scale <= Long.MAX_VALUE / 100
        ? (int) (amount * 100 / scale)
        : (int) (amount / (scale / 100));
  }

  @GetMapping("/dashboard/cards/{id}/confirm/{action}")
  String confirm(
      @PathVariable String id,
      @PathVariable String action,
      @RequestParam(required = false) String reason,
      HttpServletRequest request,
      Model model) {
    SignedIn me = SignedIn.of(request);
    CardAction cardAction = action(action);
    me.require(permissionFor(cardAction));
    Card card = cards.find(me.realm(), id).orElseThrow(() -> Problem.notFound("card", id));
    if (cardAction == CardAction.BLOCK) {
      blockReason(reason);
    }
    model.addAttribute("card", card);
    model.addAttribute("action", action);
    model.addAttribute("reason", reason);
    return "dashboard/confirm-card-action";
  }

  @PostMapping("/dashboard/cards/{id}/{action:freeze|unfreeze|block}")
  String act(
      @PathVariable String id,
      @PathVariable String action,
      @RequestParam(required = false) String reason,
      HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    CardAction cardAction = action(action);
    me.require(permissionFor(cardAction));
    String why =
        cardAction == CardAction.BLOCK
            ? blockReason(reason)
            : blankToNull(reason) == null ? null : limit(reason.strip(), 500, "reason");
    transactions.executeWithoutResult(
        s -> {
          operations.change(me.realm(), id, cardAction, why, me.user().id());
          audit.record(me, cardAction.wire() + " card", id, 200, request);
        });
    return "redirect:/dashboard/cards/" + id + "?notice=" + action;
  }

  @PostMapping("/dashboard/cards/{id}/reveal")
  String reveal(@PathVariable String id, HttpServletRequest request, Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.REVEAL_CARDS);
    Card card = cards.find(me.realm(), id).orElseThrow(() -> Problem.notFound("card", id));
    CardOperations.RevealedCard revealed =
        transactions.execute(
            s -> {
              CardOperations.RevealedCard r = operations.reveal(me.realm(), id);
              audit.record(me, "reveal card details", id, 200, request);
              return r;
            });
    model.addAttribute("card", card);
    model.addAttribute("revealed", revealed);
    return "dashboard/reveal";
  }

  @PostMapping("/dashboard/cards/{id}/limits/review")
  String reviewLimits(
      @PathVariable String id,
      @RequestParam Map<String, String> form,
      HttpServletRequest request,
      Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.CHANGE_LIMITS);
    Realm realm = me.realm();
    Card card = cards.find(realm, id).orElseThrow(() -> Problem.notFound("card", id));
    String currency = ledger.find(realm, card.accountId()).orElseThrow().currency();
    SpendControls own = controls.find(realm, id).orElse(SpendControls.NONE);
    SpendControls next = withLimits(own, form, currency);
    Controls.validated(next, "limits");
    model.addAttribute("card", card);
    model.addAttribute("currency", currency);
    model.addAttribute("before", own);
    model.addAttribute("after", next);
    model.addAttribute("form", form);
    return "dashboard/confirm-limits";
  }

  @PostMapping("/dashboard/cards/{id}/limits")
  String changeLimits(
      @PathVariable String id, @RequestParam Map<String, String> form, HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.CHANGE_LIMITS);
    Realm realm = me.realm();
    Card card = cards.find(realm, id).orElseThrow(() -> Problem.notFound("card", id));
    String currency = ledger.find(realm, card.accountId()).orElseThrow().currency();
    transactions.executeWithoutResult(
        s -> {
          SpendControls own = controls.find(realm, id).orElse(SpendControls.NONE);
          controls.put(realm, id, withLimits(own, form, currency));
          audit.record(me, "change card limits", id, 200, request);
        });
    return "redirect:/dashboard/cards/" + id + "?notice=limits";
  }

  @PostMapping("/dashboard/cards/{id}/fund/review")
  String reviewFunding(
      @PathVariable String id,
      @RequestParam(required = false) String amount,
      HttpServletRequest request,
      Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.FUND_CARDS);
    Card card = cards.find(me.realm(), id).orElseThrow(() -> Problem.notFound("card", id));
    String currency = ledger.find(me.realm(), card.accountId()).orElseThrow().currency();
    Long minor = Formats.parseMinor(amount, currency, "amount");
    if (minor == null || minor <= 0) {
      throw Problem.invalidField("amount", "must be more than zero");
    }
    model.addAttribute("card", card);
    model.addAttribute("currency", currency);
    model.addAttribute("amountMinor", minor);
    model.addAttribute("amount", amount.strip());
    return "dashboard/confirm-fund";
  }

  @PostMapping("/dashboard/cards/{id}/fund")
  String fund(
      @PathVariable String id,
      @RequestParam(required = false) String amount,
      HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.FUND_CARDS);
    Card card = cards.find(me.realm(), id).orElseThrow(() -> Problem.notFound("card", id));
    String currency = ledger.find(me.realm(), card.accountId()).orElseThrow().currency();
    Long minor = Formats.parseMinor(amount, currency, "amount");
    if (minor == null || minor <= 0) {
      throw Problem.invalidField("amount", "must be more than zero");
    }
    transactions.executeWithoutResult(
        s -> {
          operations.fund(me.realm(), id, minor, currency);
          audit.record(me, "fund card", id, 201, request);
        });
    return "redirect:/dashboard/cards/" + id + "?notice=fund";
  }

  @GetMapping("/dashboard/cards/new")
  String issueForm(
      @RequestParam(name = "cardholder_id", required = false) String cardholderId,
      HttpServletRequest request,
      Model model) {
    SignedIn.of(request).require(Permission.ISSUE_CARDS);
    model.addAttribute("cardholderId", cardholderId);
    return "dashboard/issue";
  }

  @PostMapping("/dashboard/cards/new/review")
  String reviewIssue(
      @RequestParam(name = "program_id", required = false) String programId,
      @RequestParam(name = "cardholder_id", required = false) String cardholderId,
      @RequestParam(required = false) String label,
      HttpServletRequest request,
      Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.ISSUE_CARDS);
    Program program = program(me.realm(), programId);
    model.addAttribute("program", program);
    model.addAttribute("cardholderId", required(cardholderId, "cardholder_id"));
    model.addAttribute("label", label);
    return "dashboard/confirm-issue";
  }

  @PostMapping("/dashboard/cards/new")
  String issue(
      @RequestParam(name = "program_id", required = false) String programId,
      @RequestParam(name = "cardholder_id", required = false) String cardholderId,
      @RequestParam(required = false) String label,
      HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.ISSUE_CARDS);
    String holder = required(cardholderId, "cardholder_id");
    String name = blankToNull(label) == null ? null : limit(label.strip(), 200, "label");
    Card issued =
        transactions.execute(
            s -> {
              Card card =
                  operations.issueVirtual(
                      me.realm(),
                      program(me.realm(), programId).id(),
                      holder,
                      name,
                      me.user().id());
              audit.record(me, "issue card", card.id(), 201, request);
              return card;
            });
    return "redirect:/dashboard/cards/" + issued.id() + "?notice=issued";
  }

  private Program program(Realm realm, String programId) {
    String id = required(programId, "program_id");
    return programs
        .find(realm.tenantId(), id)
        .filter(Program::enabled)
        .orElseThrow(() -> Problem.notFound("program", id));
  }

  static SpendControls withLimits(SpendControls c, Map<String, String> form, String currency) {
    return new SpendControls(
        Formats.parseMinor(form.get("per_transaction_limit"), currency, "per_transaction_limit"),
        Formats.parseMinor(form.get("daily_limit"), currency, "daily_limit"),
        Formats.parseMinor(form.get("weekly_limit"), currency, "weekly_limit"),
        Formats.parseMinor(form.get("monthly_limit"), currency, "monthly_limit"),
        c.lifetimeLimit(),
        c.dailyCount(),
        c.weeklyCount(),
        c.monthlyCount(),
        c.lifetimeCount(),
        c.allowedMccs(),
        c.blockedMccs(),
        c.allowedCountries(),
        c.blockedCountries(),
        c.allowedCurrencies(),
        c.allowedMerchantIds(),
        c.blockedMerchantIds(),
        c.allowedChannels(),
        c.blockedChannels());
  }

  private static CardAction action(String action) {
    return switch (action) {
      case "freeze" -> CardAction.FREEZE;
      case "unfreeze" -> CardAction.UNFREEZE;
      case "block" -> CardAction.BLOCK;
      default -> throw Problem.invalidField("action", "must be freeze, unfreeze or block");
    };
  }

  private static Permission permissionFor(CardAction action) {
    return action == CardAction.BLOCK ? Permission.BLOCK_CARDS : Permission.FREEZE_CARDS;
  }

  private static String blockReason(String reason) {
    if (reason == null || !BLOCK_REASONS.contains(reason)) {
      throw Problem.invalidField("reason", "must be one of lost, stolen, fraud, damaged");
    }
    return reason;
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  static String required(String s, String field) {
    String v = blankToNull(s);
    if (v == null) {
      throw Problem.invalidField(field, "is required");
    }
    if (!Ids.looksLikeId(v)) {
      throw Problem.invalidField(field, "must be an id");
    }
    return v;
  }

  static String limit(String s, int max, String field) {
    if (s.length() > max) {
      throw Problem.invalidField(field, "must be at most " + max + " characters");
    }
    return s;
  }
}
