package dev.tollgate.limits.alerts;

/**
 * One threshold crossing, as recorded: {@code threshold} percent of {@code limit} reached by
 * {@code value} (both in the metric's unit) for {@code (scope, subject, metric)} in {@code period}
 * ("2026-11", a calendar month in UTC). {@code deliveryStatus}: none | pending | delivered | failed.
 */
public record Alert(String id, String scope, String subject, String metric, int threshold, long value, long limit,
                    String period, long createdAtMs, String deliveryStatus, int attempts) {
    public static final String NONE = "none";
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
}
