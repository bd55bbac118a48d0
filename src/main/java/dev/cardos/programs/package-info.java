/**
 * Programs: the sponsor banks, the BIN ranges they lend, and the card programs the operator offers
 * each tenant (kind, currency, markets, fees, validity, reveal policy, decision webhook).
 */
package dev.cardos.programs;
