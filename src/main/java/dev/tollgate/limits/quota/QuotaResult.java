package dev.tollgate.limits.quota;

import java.time.Instant;

/** The answer to {@link Quotas#reserve}: a business outcome, never an exception. */
public sealed interface QuotaResult {
    /** Every claim is reserved; settle or release the reservation on every exit path. */
    record Admitted(QuotaReservation reservation) implements QuotaResult {}

    /**
     * {@code claim} does not fit: {@code used} (settled this month) + {@code reserved} (open
     * reservations) + the claim's amount exceed its limit. Nothing was reserved. {@code resetAt}: the
     * start of the next month (UTC), for {@code Retry-After} and the message.
     */
    record Refused(Claim claim, long used, long reserved, Instant resetAt) implements QuotaResult {}

    /**
     * The counters cannot be read (Redis or the store unreachable): money limits fail closed, so the
     * request is not admitted. The guard answers 503 {@code limits_unavailable}. Counted in
     * {@code tollgate.quota.unavailable}.
     */
    record Unavailable(String reason) implements QuotaResult {}
}
