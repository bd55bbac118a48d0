/**
 * The dashboard: server-rendered pages at {@code /dashboard} for the people who run a card program
 * day to day (finance, support), signed in as dashboard users of one tenant. Every page reads and
 * every action writes through the other modules' public APIs, the same domain code the API runs,
 * and every action is audited. Its own sign-in (Argon2id passwords, optional TOTP, lock-out),
 * cookie sessions and CSRF tokens apply only under {@code /dashboard}; the API keeps its key-based
 * auth.
 */
package dev.cardos.dashboard;
