/**
 * The ISO 8583 network interface: CardOS listening for ISO 8583:1987 messages over TCP (2-byte
 * length header, ASCII fields, hexadecimal bitmaps), each answered by the same authorization engine
 * the JSON network endpoints use, and {@code cardos simulate}, a network simulator speaking ISO
 * 8583 or JSON. The field layout is {@link dev.cardos.iso8583.Layout} and docs/iso8583.md. No card
 * number, track 2, PIN block or CVV2 is logged or echoed.
 */
package dev.cardos.iso8583;
