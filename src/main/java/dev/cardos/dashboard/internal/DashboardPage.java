package dev.cardos.dashboard.internal;

/**
 * Marks the controllers that answer with dashboard pages, so that {@link DashboardAdvice} turns
 * their failures into HTML while the dashboard's {@code /v1} endpoints keep the API's problems.
 */
interface DashboardPage {}
