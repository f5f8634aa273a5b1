package dev.tollgate.ledger;

/** An operating error of the ledger that the caller is expected to handle (402, 409, 404). */
public abstract sealed class LedgerException extends RuntimeException
        permits InsufficientCreditsException, IdempotencyConflictException, UnknownHoldException,
        SliceGoneException {
    LedgerException(String message) {
        super(message, null, false, false); // expected outcomes: no stack trace to fill
    }
}
