package dev.tollgate.ledger;

/** Settling a hold that was never placed (or whose placement failed). */
public final class UnknownHoldException extends LedgerException {
    public UnknownHoldException(String holdId) {
        super("no hold with id '" + holdId + "'");
    }
}
