/**
 * Cardholders: the individuals (a b2c user, a b2b employee) cards are issued to, with their KYC
 * status and the tenant's own reference. Only a {@code verified} cardholder may get a card.
 */
package dev.cardos.cardholders;
