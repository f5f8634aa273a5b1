package dev.tollgate.limits;

/** What a request actually consumed, to settle its {@link Admission}: tokens, µcr charged, images made. */
public record Spent(long tokens, long micros, long images) {
    public static final Spent NOTHING = new Spent(0, 0, 0);
}
