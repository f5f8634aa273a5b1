package dev.tollgate.limits.alerts;

import java.math.BigInteger;

/** Threshold arithmetic, exact: {@code t} % of {@code limit} is reached when {@code value × 100 ≥ t × limit}. */
final class Thresholds {
    /** Above this, {@code × 100} could overflow a long: compare in BigInteger (never on realistic figures). */
    private static final long EXACT_LONG_MAX = Long.MAX_VALUE / 100;

    private Thresholds() {}

    /** False for a non-positive limit: an unlimited or unset budget has no percentages. */
    static boolean reached(long value, long limit, int thresholdPercent) {
        if (limit <= 0) return false;
        if (Math.abs(value) <= EXACT_LONG_MAX && limit <= EXACT_LONG_MAX) {
            return value * 100 >= thresholdPercent * limit;
        }
        return BigInteger.valueOf(value).multiply(BigInteger.valueOf(100))
                .compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(thresholdPercent))) >= 0;
    }
}
