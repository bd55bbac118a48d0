package dev.cardos.programs.internal;

import dev.cardos.programs.Program;
import dev.cardos.shared.Page;
import dev.cardos.shared.PageRequest;
import dev.cardos.shared.Problem;
import dev.cardos.tenancy.Realm;
import dev.cardos.tenancy.RequiresScope;
import dev.cardos.tenancy.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/programs}: the tenant's enabled programs. */
@RestController
@RequestMapping("/v1/programs")
@Tag(name = "programs")
class ProgramController {

  private final JdbcPrograms programs;
  private final dev.cardos.keys.Keys keys;

  ProgramController(JdbcPrograms programs, dev.cardos.keys.Keys keys) {
    this.programs = programs;
    this.keys = keys;
  }

  record WebhookSecret(String secret) {
    @Override
    public String toString() {
      return "WebhookSecret[hidden]";
    }
  }

  @GetMapping("/{id}/webhook-secret")
  @RequiresScope(Scope.WEBHOOKS_WRITE)
  @Operation(
      summary = "The secret that signs the program's decision webhook requests (Standard Webhooks)")
  org.springframework.http.ResponseEntity<WebhookSecret> webhookSecret(
      Realm realm, @PathVariable String id) {
    Program program =
        programs
            .find(realm.tenantId(), id)
            .filter(Program::enabled)
            .orElseThrow(() -> Problem.notFound("program", id));
    if (program.webhookSecretKeyId() == null) {
      throw Problem.notFound("decision webhook of program", id);
    }
    return org.springframework.http.ResponseEntity.ok()
        .cacheControl(org.springframework.http.CacheControl.noStore())
        .body(
            new WebhookSecret(
                "whsec_"
                    + java.util.Base64.getEncoder()
                        .encodeToString(keys.material(program.webhookSecretKeyId()))));
  }

  @GetMapping
  @RequiresScope(Scope.CARDS_READ)
  @Operation(summary = "List the tenant's enabled programs, newest first")
  Page<Program> list(
      Realm realm,
      @RequestParam(required = false) Integer limit,
      @RequestParam(name = "starting_after", required = false) String startingAfter) {
    return programs.list(realm.tenantId(), true, PageRequest.of(limit, startingAfter, "prg_"));
  }

  @GetMapping("/{id}")
  @RequiresScope(Scope.CARDS_READ)
  @Operation(summary = "Retrieve one of the tenant's programs")
  Program get(Realm realm, @PathVariable String id) {
    return programs
        .find(realm.tenantId(), id)
        .filter(Program::enabled)
        .orElseThrow(() -> Problem.notFound("program", id));
  }
}
