package dev.tollgate.ledger;

/** What one provider's settled charges add up to over a time range: tokens (input + output), µcr, and how many. */
public record ProviderUsage(long tokens, long micros, long charges) {
    public static final ProviderUsage ZERO = new ProviderUsage(0, 0, 0);

    public ProviderUsage {
        if (tokens < 0 || micros < 0 || charges < 0) throw new IllegalArgumentException("usage must not be negative");
    }

    public ProviderUsage plus(ProviderUsage other) {
        return new ProviderUsage(tokens + other.tokens, micros + other.micros, charges + other.charges);
    }
}
