package dev.tollgate.ledger;

/**
 * The outcome of settling a hold. {@code postedMicros} was charged; {@code shortfallMicros} is the
 * part of {@code actualMicros} the balance could not cover (usage above the hold, e.g. a tokenizer
 * mismatch, with too little left); {@code balanceAfterMicros} is the posted balance after the charge.
 * {@code late} is true when the hold had already expired and the charge was posted without it.
 */
public record Settlement(String holdId, long heldMicros, long actualMicros, long postedMicros,
                         long shortfallMicros, long balanceAfterMicros, boolean late) {
    /** Credits reserved by the hold and returned to the account instead of charged. */
    public long releasedMicros() {
        return Math.max(0, heldMicros - postedMicros);
    }
}
