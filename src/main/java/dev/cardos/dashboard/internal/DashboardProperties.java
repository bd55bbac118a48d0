package dev.cardos.dashboard.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Dashboard settings ({@code CARDOS_DASHBOARD_*}).
 *
 * @param failedSignInsMax failed sign-ins in a row after which the user is locked out
 * @param lockout how long a lock-out lasts
 * @param sessionIdle a session not used for this long ends
 * @param sessionMax a session ends this long after sign-in, however busy
 * @param secureCookie {@code auto} (the default: {@code Secure} unless the request came over plain
 *     HTTP to a loopback address, and always in live mode), {@code always} or {@code never}
 */
@ConfigurationProperties("cardos.dashboard")
record DashboardProperties(
    @DefaultValue("5") int failedSignInsMax,
    @DefaultValue("15m") Duration lockout,
    @DefaultValue("30m") Duration sessionIdle,
    @DefaultValue("12h") Duration sessionMax,
    @DefaultValue("auto") String secureCookie) {}
