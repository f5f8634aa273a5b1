package dev.tollgate.limits.quota;

/**
 * Reserve {@code amount} of {@code counter} (the request's worst case) against {@code limit} for
 * this month. Refused when {@code amount > 0} and settled usage + open reservations + {@code amount}
 * would exceed {@code limit}. A zero amount is never refused; it is tracked so the settle can count
 * the actual usage.
 */
public record Claim(Counter counter, long limit, long amount) {
    public Claim {
        if (counter == null) throw new IllegalArgumentException("claim needs a counter");
        if (limit < 0) throw new IllegalArgumentException("claim limit must be >= 0: " + limit);
        if (amount < 0) throw new IllegalArgumentException("claim amount must be >= 0: " + amount);
    }
}
