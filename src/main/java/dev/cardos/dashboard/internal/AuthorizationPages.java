package dev.cardos.dashboard.internal;

import dev.cardos.authorization.Authorization;
import dev.cardos.authorization.Authorizations;
import dev.cardos.authorization.DeclineReason;
import dev.cardos.shared.Problem;
import dev.cardos.tenancy.Realm;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The overview (approval rate and top decline reasons per day) and the authorization list with its
 * filters: decision, reason, merchant, card and time.
 */
@Controller
class AuthorizationPages implements DashboardPage {

  private static final int DAYS = 14;
  private static final int TOP_REASONS = 5;
  private static final int LIST_LIMIT = 100;

  private final Authorizations authorizations;
  private final Formats formats;
  private final Clock clock;

  AuthorizationPages(Authorizations authorizations, Formats formats, Clock clock) {
    this.authorizations = authorizations;
    this.formats = formats;
    this.clock = clock;
  }

  /** One day's bar: approval rate in whole percent, and the counts behind it. */
  public record Day(LocalDate day, long total, long approved, int approvalPercent) {}

  /** One of the top decline reasons: its total and its count per day (oldest first). */
  public record ReasonSeries(String reason, String words, long total, List<Long> perDay) {}

  @GetMapping({"/dashboard", "/dashboard/overview"})
  String overview(HttpServletRequest request, Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.VIEW_TRANSACTIONS);
    Realm realm = me.realm();
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    LocalDate first = today.minusDays(DAYS - 1L);
    Instant from = first.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Map<LocalDate, Authorizations.DailyOutcome> outcomes = new LinkedHashMap<>();
    for (Authorizations.DailyOutcome o : authorizations.dailyOutcomes(realm, from, to)) {
      outcomes.put(o.day(), o);
    }
    List<Day> days = new ArrayList<>();
    long total = 0;
    long approved = 0;
    for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
      Authorizations.DailyOutcome o = outcomes.get(d);
      long t = o == null ? 0 : o.total();
      long a = o == null ? 0 : o.approved();
      total += t;
      approved += a;
      days.add(new Day(d, t, a, t == 0 ? 0 : (int) (a * 100 / t)));
    }
    Map<String, long[]> perReason = new LinkedHashMap<>();
    for (Authorizations.DailyDeclines d : authorizations.dailyDeclines(realm, from, to)) {
      long[] series = perReason.computeIfAbsent(d.declineReason(), r -> new long[DAYS]);
      series[(int) (d.day().toEpochDay() - first.toEpochDay())] += d.count();
    }
    List<ReasonSeries> reasons =
        perReason.entrySet().stream()
            .map(
                e -> {
                  long sum = 0;
                  List<Long> perDay = new ArrayList<>();
                  for (long n : e.getValue()) {
                    sum += n;
                    perDay.add(n);
                  }
                  return new ReasonSeries(e.getKey(), formats.reason(e.getKey()), sum, perDay);
                })
            .sorted(Comparator.comparingLong(ReasonSeries::total).reversed())
            .limit(TOP_REASONS)
            .toList();
    long dayMax = days.stream().mapToLong(Day::total).max().orElse(0);
    model.addAttribute("days", days);
    model.addAttribute("dayMax", Math.max(1, dayMax));
    model.addAttribute("total", total);
    model.addAttribute("approved", approved);
    model.addAttribute("approvalPercent", total == 0 ? null : approved * 100 / total);
    model.addAttribute("reasons", reasons);
    model.addAttribute(
        "reasonMax", Math.max(1, reasons.stream().mapToLong(ReasonSeries::total).max().orElse(0)));
    return "dashboard/overview";
  }

  @GetMapping("/dashboard/authorizations")
  String list(
      @RequestParam(required = false) String decision,
      @RequestParam(required = false) String reason,
      @RequestParam(required = false) String merchant,
      @RequestParam(name = "card_id", required = false) String cardId,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      HttpServletRequest request,
      Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.VIEW_TRANSACTIONS);
    Boolean approved =
        switch (CardPages.blankToNull(decision) == null ? "" : decision) {
          case "" -> null;
          case "approved" -> true;
          case "declined" -> false;
          default -> throw Problem.invalidField("decision", "must be approved or declined");
        };
    String why = CardPages.blankToNull(reason);
    if (why != null) {
      try {
        why = DeclineReason.fromWire(why).wire();
      } catch (IllegalArgumentException e) {
        throw Problem.invalidField("reason", "must be one of the listed decline reasons");
      }
    }
    String m = CardPages.blankToNull(merchant);
    if (m != null) {
      CardPages.limit(m, 100, "merchant");
    }
    String card =
        CardPages.blankToNull(cardId) == null ? null : CardPages.required(cardId, "card_id");
    List<Authorization> found =
        authorizations.search(
            me.realm(),
            new Authorizations.Search(
                card, approved, why, m, day(from, "from", 0), day(to, "to", 1)),
            LIST_LIMIT);
    model.addAttribute("authorizations", found);
    model.addAttribute("reasons", DeclineReason.values());
    model.addAttribute("q_decision", decision);
    model.addAttribute("q_reason", reason);
    model.addAttribute("q_merchant", merchant);
    model.addAttribute("q_card", cardId);
    model.addAttribute("q_from", from);
    model.addAttribute("q_to", to);
    return "dashboard/authorizations";
  }

  private static final List<String> TRANSACTION_KINDS =
      List.of("settlement", "refund", "force_post");

  @GetMapping("/dashboard/transactions")
  String transactions(
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String merchant,
      @RequestParam(name = "card_id", required = false) String cardId,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      HttpServletRequest request,
      Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.VIEW_TRANSACTIONS);
    String k = CardPages.blankToNull(kind);
    if (k != null && !TRANSACTION_KINDS.contains(k)) {
      throw Problem.invalidField("kind", "must be settlement, refund or force_post");
    }
    String m = CardPages.blankToNull(merchant);
    if (m != null) {
      CardPages.limit(m, 100, "merchant");
    }
    String card =
        CardPages.blankToNull(cardId) == null ? null : CardPages.required(cardId, "card_id");
    model.addAttribute(
        "transactions",
        authorizations.transactions(
            me.realm(),
            new Authorizations.TransactionSearch(
                card, k, m, day(from, "from", 0), day(to, "to", 1)),
            LIST_LIMIT));
    model.addAttribute("kinds", TRANSACTION_KINDS);
    model.addAttribute("q_kind", kind);
    model.addAttribute("q_merchant", merchant);
    model.addAttribute("q_card", cardId);
    model.addAttribute("q_from", from);
    model.addAttribute("q_to", to);
    return "dashboard/transactions";
  }

  @GetMapping("/dashboard/authorizations/{id}")
  String one(@PathVariable String id, HttpServletRequest request, Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.VIEW_TRANSACTIONS);
    model.addAttribute(
        "a",
        authorizations
            .find(me.realm(), id)
            .orElseThrow(() -> Problem.notFound("authorization", id)));
    return "dashboard/authorization";
  }

  /** A date field (yyyy-mm-dd, UTC) as the start of that day plus {@code plusDays}. */
  private static Instant day(String text, String field, int plusDays) {
    if (CardPages.blankToNull(text) == null) {
      return null;
    }
    try {
      return LocalDate.parse(text.strip())
          .plusDays(plusDays)
          .atStartOfDay(ZoneOffset.UTC)
          .toInstant();
    } catch (DateTimeParseException e) {
      throw Problem.invalidField(field, "must be a date such as 2026-11-22");
    }
  }
}
