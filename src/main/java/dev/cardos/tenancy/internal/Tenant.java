package dev.cardos.tenancy.internal;

import java.time.Instant;

/** A business embedding cards in its product. */
record Tenant(String id, String name, String status, Instant createdAt) {}
