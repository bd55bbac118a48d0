/**
 * The authorization engine: every card payment the network asks about is decided here, in the order
 * of SPEC §5, by a pure decision core; the tenant's decision webhook is asked within its budget
 * with no database connection held; approval places the hold and consumes the spend limits
 * atomically, so concurrent authorizations can never overspend a balance or a limit.
 */
package dev.cardos.authorization;
