package dev.tollgate.usage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A time window of rollup buckets ending with the current one: {@code count} hours (period {@code h})
 * or days (period {@code d}), UTC. "The last 24 hours" is the current hour and the 23 before it.
 */
public record Window(String period, long fromBucketMs, int count) {
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:00'Z'").withZone(ZoneOffset.UTC);

    public static Window hours(int hours, long nowMs) {
        long current = Math.floorDiv(nowMs, Rollups.HOUR_MS) * Rollups.HOUR_MS;
        return new Window("h", current - (hours - 1L) * Rollups.HOUR_MS, hours);
    }

    public static Window days(int days, long nowMs) {
        long current = Math.floorDiv(nowMs, Rollups.DAY_MS) * Rollups.DAY_MS;
        return new Window("d", current - (days - 1L) * Rollups.DAY_MS, days);
    }

    /** A bucket's label: the hour ({@code 2026-11-30T07:00Z}) or the day ({@code 2026-11-30}). */
    public String label(long bucketMs) {
        return (period.equals("h") ? HOUR : DAY).format(Instant.ofEpochMilli(bucketMs));
    }

    /** The calendar month (UTC) of a bucket: {@code 2026-11}. */
    public static String monthOf(long bucketMs) {
        return MONTH.format(Instant.ofEpochMilli(bucketMs));
    }
}
