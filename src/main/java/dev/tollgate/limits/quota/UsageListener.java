package dev.tollgate.limits.quota;

import java.time.YearMonth;

/**
 * Told after each settle the new settled {@code used} of every claimed counter (the alerts hook).
 * Called on the settling request's thread: it must not block (queue the work, return).
 */
@FunctionalInterface
public interface UsageListener {
    UsageListener NONE = (counter, used, limit, period) -> {};

    void observed(Counter counter, long used, long limit, YearMonth period);
}
