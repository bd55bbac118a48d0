package dev.cardos.dashboard.internal;

import dev.cardos.disputes.Disputes;
import dev.cardos.events.WebhookActivity;
import dev.cardos.shared.Problem;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Webhooks (endpoints, recent deliveries, redelivery) and disputes (list and details). */
@Controller
class ActivityPages implements DashboardPage {

  private static final int DELIVERIES = 50;
  private static final int DISPUTES = 100;
  private static final List<String> DISPUTE_STATUSES =
      List.of("open", "submitted", "won", "lost", "withdrawn");

  private final WebhookActivity webhooks;
  private final Disputes disputes;
  private final DashboardAudit audit;
  private final TransactionTemplate transactions;

  ActivityPages(
      WebhookActivity webhooks,
      Disputes disputes,
      DashboardAudit audit,
      TransactionTemplate transactions) {
    this.webhooks = webhooks;
    this.disputes = disputes;
    this.audit = audit;
    this.transactions = transactions;
  }

  @GetMapping("/dashboard/webhooks")
  String webhooks(
      @RequestParam(required = false) String notice, HttpServletRequest request, Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.VIEW_TRANSACTIONS);
    model.addAttribute("endpoints", webhooks.endpoints(me.realm()));
    model.addAttribute("deliveries", webhooks.recentDeliveries(me.realm(), DELIVERIES));
    model.addAttribute(
        "notice", "redelivered".equals(notice) ? "Event queued for redelivery." : null);
    return "dashboard/webhooks";
  }

  @PostMapping("/dashboard/webhooks/events/{id}/redeliver")
  String redeliver(@PathVariable String id, HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.MANAGE_WEBHOOKS);
    transactions.executeWithoutResult(
        s -> {
          webhooks.redeliver(me.realm(), id);
          audit.record(me, "redeliver event", id, 200, request);
        });
    return "redirect:/dashboard/webhooks?notice=redelivered";
  }

  @GetMapping("/dashboard/disputes")
  String disputes(
      @RequestParam(required = false) String status, HttpServletRequest request, Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.VIEW_TRANSACTIONS);
    String st = CardPages.blankToNull(status);
    if (st != null && !DISPUTE_STATUSES.contains(st)) {
      throw Problem.invalidField("status", "must be one of " + String.join(", ", DISPUTE_STATUSES));
    }
    model.addAttribute("disputes", disputes.list(me.realm(), st, DISPUTES));
    model.addAttribute("statuses", DISPUTE_STATUSES);
    model.addAttribute("q_status", status);
    return "dashboard/disputes";
  }

  @PostMapping("/dashboard/disputes/{id}/evidence")
  String addEvidence(
      @PathVariable String id,
      @RequestParam(required = false) String text,
      HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.HANDLE_DISPUTES);
    transactions.executeWithoutResult(
        s -> {
          disputes.addText(me.realm(), id, text);
          audit.record(me, "add dispute evidence", id, 201, request);
        });
    return "redirect:/dashboard/disputes/" + id + "?notice=evidence";
  }

  @GetMapping("/dashboard/disputes/{id}/confirm-submit")
  String confirmSubmit(@PathVariable String id, HttpServletRequest request, Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.HANDLE_DISPUTES);
    model.addAttribute(
        "d", disputes.find(me.realm(), id).orElseThrow(() -> Problem.notFound("dispute", id)));
    return "dashboard/confirm-dispute-submit";
  }

  @PostMapping("/dashboard/disputes/{id}/submit")
  String submit(@PathVariable String id, HttpServletRequest request) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.HANDLE_DISPUTES);
    transactions.executeWithoutResult(
        s -> {
          disputes.submit(me.realm(), id, me.user().id());
          audit.record(me, "submit dispute", id, 200, request);
        });
    return "redirect:/dashboard/disputes/" + id + "?notice=submitted";
  }

  @GetMapping("/dashboard/disputes/{id}")
  String dispute(
      @PathVariable String id,
      @RequestParam(required = false) String notice,
      HttpServletRequest request,
      Model model) {
    SignedIn me = SignedIn.of(request);
    me.require(Permission.VIEW_TRANSACTIONS);
    model.addAttribute(
        "d", disputes.find(me.realm(), id).orElseThrow(() -> Problem.notFound("dispute", id)));
    model.addAttribute("history", disputes.history(me.realm(), id));
    model.addAttribute(
        "notice",
        "evidence".equals(notice)
            ? "Evidence added."
            : "submitted".equals(notice) ? "Dispute submitted to the network." : null);
    return "dashboard/dispute";
  }
}
