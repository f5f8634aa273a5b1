package dev.tollgate.limits;


/**
 * The guard refused a request (CONTRACT §5). A business outcome, not a fault: the server maps it to the
 * error JSON of its {@link Reason} with {@code Retry-After} when {@code retryAfterSeconds} is set.
 */
public final class LimitExceededException extends RuntimeException {
    /** Why, with the HTTP status, error type and code each maps to. */
    public enum Reason {
        RATE_LIMIT(429, "rate_limit_exceeded", "rate_limit_exceeded"),
        QUOTA(429, "quota_exceeded", "quota_exceeded"),
        BUDGET(429, "budget_exceeded", "budget_exceeded"),
        MODEL_NOT_ALLOWED(403, "permission_error", "model_not_allowed"),
        FEATURE_NOT_ALLOWED(403, "permission_error", "feature_not_allowed"),
        CONTEXT_TOO_LONG(400, "invalid_request_error", "context_length_exceeded"),
        /** Quotas and budgets fail closed when their counters cannot be read (docs/limits.md). */
        UNAVAILABLE(503, "service_unavailable", "limits_unavailable");

        public final int status;
        public final String type;
        public final String code;

        Reason(int status, String type, String code) {
            this.status = status;
            this.type = type;
            this.code = code;
        }
    }

    private final Reason reason;
    private final String param;
    private final Long retryAfterSeconds;

    public LimitExceededException(Reason reason, String param, String message, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.reason = reason;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() { return reason; }

    public String param() { return param; }

    public Long retryAfterSeconds() { return retryAfterSeconds; }
}
