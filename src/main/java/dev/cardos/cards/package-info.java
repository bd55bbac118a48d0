/**
 * Cards: issuing, the lifecycle of SPEC §4, the card data vault (card numbers encrypted, looked up
 * by keyed hash, revealed only as the program allows and always audited), PINs as PVVs, and moving
 * money onto and off a card's balance.
 */
package dev.cardos.cards;
