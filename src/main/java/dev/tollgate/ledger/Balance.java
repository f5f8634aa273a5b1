package dev.tollgate.ledger;

/** An account's balance in micro-credits: posted transfers, and the part reserved by open holds. */
public record Balance(long postedMicros, long heldMicros) {
    public static final Balance ZERO = new Balance(0, 0);

    /** What a new hold may reserve; never negative for a user account. */
    public long availableMicros() {
        return postedMicros - heldMicros;
    }
}
