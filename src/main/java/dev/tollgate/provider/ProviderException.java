package dev.tollgate.provider;

/**
 * A typed provider failure. Fallback and retry decisions read {@link #retryable()}, never a message;
 * the message is safe to show to the client (no provider key, no upstream internals).
 */
public final class ProviderException extends Exception {
    public enum Kind {
        /** Connection refused/reset before a response: the next candidate may work. */
        UNAVAILABLE(true, 502),
        /** No response (or no next chunk) within the configured time. */
        TIMEOUT(true, 504),
        /** Provider answered 5xx. */
        SERVER_ERROR(true, 502),
        /** Provider answered 429. */
        RATE_LIMITED(true, 502),
        /** Provider rejected our provider key (401/403): an operator problem, not the caller's. */
        PROVIDER_AUTH(true, 502),
        /** Provider rejected the request itself (4xx): retrying elsewhere would fail the same way. */
        BAD_REQUEST(false, 400),
        /** Provider answered something that is not its wire format. */
        BAD_RESPONSE(true, 502),
        /** The stream ended or broke before the provider said it was done. */
        STREAM_CUT(true, 502);

        private final boolean retryable;
        private final int clientStatus;

        Kind(boolean retryable, int clientStatus) {
            this.retryable = retryable;
            this.clientStatus = clientStatus;
        }
    }

    private final Kind kind;
    private final int upstreamStatus;
    private final long retryAfterMs;

    public ProviderException(Kind kind, int upstreamStatus, String message, Throwable cause) {
        this(kind, upstreamStatus, message, cause, 0);
    }

    /** {@code retryAfterMs}: the pause the provider asked for (its {@code Retry-After}), 0 when none. */
    public ProviderException(Kind kind, int upstreamStatus, String message, Throwable cause, long retryAfterMs) {
        super(message, cause, false, false);
        if (retryAfterMs < 0) throw new IllegalArgumentException("retryAfterMs must be >= 0: " + retryAfterMs);
        this.kind = kind;
        this.upstreamStatus = upstreamStatus;
        this.retryAfterMs = retryAfterMs;
    }

    public ProviderException(Kind kind, String message) {
        this(kind, 0, message, null);
    }

    public Kind kind() { return kind; }

    public boolean retryable() { return kind.retryable; }

    /** The HTTP status the gateway answers with when this is the final failure. */
    public int clientStatus() { return kind.clientStatus; }

    /** The pause the provider asked for before a retry, in ms; 0 when it did not say. */
    public long retryAfterMs() { return retryAfterMs; }

    /** The provider's HTTP status, or 0 when there was none. */
    public int upstreamStatus() { return upstreamStatus; }
}
