package dev.tollgate.store;

/** The store failed (down, locked too long, schema mismatch): an operating error, mapped to 503. */
public final class StoreException extends RuntimeException {
    public StoreException(String operation, Throwable cause) {
        super("store failed during " + operation + ": " + cause.getMessage(), cause);
    }
}
