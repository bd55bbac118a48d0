package dev.cardos.dashboard.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cardos.tenancy.Caller;
import dev.cardos.tenancy.OperatorOnly;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/admin/tenants/{id}/dashboard-users}: the operator creates a tenant's first
 * dashboard users (usually an admin, who then creates the others in the dashboard).
 */
@RestController
@OperatorOnly
@Tag(name = "operator")
class DashboardUserController {

  private final DashboardUserAccounts accounts;

  DashboardUserController(DashboardUserAccounts accounts) {
    this.accounts = accounts;
  }

  /** A new user: the password is only ever taken, never shown back. */
  record CreateDashboardUser(String email, String name, RoleInput role, String password) {
    @Override
    public String toString() {
      return "CreateDashboardUser[" + email + "]";
    }
  }

  enum RoleInput {
    @JsonProperty("admin")
    ADMIN,
    @JsonProperty("finance")
    FINANCE,
    @JsonProperty("support")
    SUPPORT,
    @JsonProperty("viewer")
    VIEWER
  }

  record DashboardUserView(
      String id, String tenantId, String email, String name, String role, Instant createdAt) {

    static DashboardUserView of(DashboardUser u) {
      return new DashboardUserView(
          u.id(), u.tenantId(), u.email(), u.name(), u.role().wire(), u.createdAt());
    }
  }

  @PostMapping("/v1/admin/tenants/{id}/dashboard-users")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      summary =
          "Create a dashboard user of the tenant (admin, finance, support or viewer); the password"
              + " (12 to 200 characters) is stored only as an Argon2id hash")
  @Transactional
  DashboardUserView create(
      Caller caller, @PathVariable String id, @RequestBody CreateDashboardUser body) {
    return DashboardUserView.of(
        accounts.create(
            id,
            body.email(),
            body.name(),
            body.role() == null ? null : body.role().name(),
            body.password(),
            caller.keyId()));
  }
}
