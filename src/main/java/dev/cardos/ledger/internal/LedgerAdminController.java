package dev.cardos.ledger.internal;

import dev.cardos.ledger.Ledger;
import dev.cardos.ledger.VerificationReport;
import dev.cardos.tenancy.OperatorOnly;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/admin/ledger/verify}: the operator's proof that the books balance. */
@RestController
@OperatorOnly
@Tag(name = "operator")
class LedgerAdminController {

  private final Ledger ledger;

  LedgerAdminController(Ledger ledger) {
    this.ledger = ledger;
  }

  /** The report with {@code ok} spelled out for clients that read JSON only. */
  record VerificationView(
      boolean ok,
      long accounts,
      long postings,
      long entries,
      long activeHolds,
      java.util.List<String> violations) {}

  @GetMapping("/v1/admin/ledger/verify")
  @Operation(summary = "Prove the whole database's books balance")
  VerificationView verify() {
    VerificationReport r = ledger.verify();
    return new VerificationView(
        r.ok(), r.accounts(), r.postings(), r.entries(), r.activeHolds(), r.violations());
  }
}
