package dev.tollgate.routing;

/**
 * The request names known models but no candidate can take it. An operating error with a typed
 * kind: {@link Kind#UNSUITABLE} (every candidate lacks a needed capability or context room: the
 * request must change, 400) or {@link Kind#BUDGET_EXHAUSTED} (every remaining candidate's provider
 * used up its monthly budget: 429 {@code quota_exceeded}, retry when the month turns).
 */
public final class NoRouteException extends RuntimeException {
    public enum Kind { UNSUITABLE, BUDGET_EXHAUSTED }

    private final Kind kind;
    private final long retryAfterSeconds;

    public NoRouteException(Kind kind, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() { return kind; }

    /** Seconds until the budgets reset (the next month, UTC); 0 for {@link Kind#UNSUITABLE}. */
    public long retryAfterSeconds() { return retryAfterSeconds; }
}
