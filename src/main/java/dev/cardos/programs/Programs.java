package dev.cardos.programs;

import java.util.Optional;

/** Looks programs and BIN ranges up for other modules. */
public interface Programs {

  /** The tenant's program with this id (enabled or not), or empty if it is another tenant's. */
  Optional<Program> find(String tenantId, String programId);

  Optional<BinRange> binRange(String binRangeId);
}
