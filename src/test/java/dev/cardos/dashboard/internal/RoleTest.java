package dev.cardos.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cardos.tenancy.Scope;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoleTest {

  @ParameterizedTest
  @CsvSource({
    "VIEWER, VIEW_CARDS, true",
    "VIEWER, REVEAL_CARDS, false",
    "VIEWER, FREEZE_CARDS, false",
    "VIEWER, CHANGE_LIMITS, false",
    "SUPPORT, FREEZE_CARDS, true",
    "SUPPORT, BLOCK_CARDS, true",
    "SUPPORT, REVEAL_CARDS, false",
    "SUPPORT, CHANGE_LIMITS, false",
    "SUPPORT, FUND_CARDS, false",
    "FINANCE, FUND_CARDS, true",
    "FINANCE, CHANGE_LIMITS, true",
    "FINANCE, REVEAL_CARDS, false",
    "FINANCE, MANAGE_USERS, false",
    "ADMIN, REVEAL_CARDS, true",
    "ADMIN, MANAGE_USERS, true"
  })
  void rolesAllowWhatTheIssueSays(Role role, Permission permission, boolean allowed) {
    assertThat(role.allows(permission)).isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource({"VIEWER", "SUPPORT", "FINANCE"})
  void onlyAdminsHoldTheRevealScope(Role role) {
    assertThat(
            Arrays.stream(Permission.values())
                .filter(role::allows)
                .map(Permission::apiScope)
                .toList())
        .doesNotContain(Scope.CARDS_REVEAL);
  }
}
