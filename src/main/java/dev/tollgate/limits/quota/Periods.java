package dev.tollgate.limits.quota;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** Calendar months in UTC: the quota period. Not "30 days", not "from the first request". */
final class Periods {
    private Periods() {}

    static YearMonth of(long epochMs) {
        return YearMonth.from(Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC));
    }

    /** 00:00 UTC on the 1st of the month after {@code period}. */
    static Instant end(YearMonth period) {
        return period.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** The period's name in the table and in Redis keys: {@code 2026-11}. */
    static String name(YearMonth period) {
        return period.toString();
    }
}
