package dev.tollgate.ledger;

/** The id was used before with a different body (maps to HTTP 409); the ledger is unchanged. */
public final class IdempotencyConflictException extends LedgerException {
    public IdempotencyConflictException(String id, String what) {
        super("id '" + id + "' was already used with a different " + what);
    }
}
