/**
 * Spend controls: amount limits per transaction, day, week, month and lifetime, transaction-count
 * velocity, and allow/block lists for MCCs (with named groups), countries, currencies, merchants
 * and channels; at program, cardholder and card level, the most restrictive winning; and the usage
 * counters the windowed limits are checked against.
 */
package dev.cardos.controls;
