package dev.tollgate.ledger;

/** The slice is no longer open (its lease ran out, or it was closed): the replica must open a new one. */
final class SliceGoneException extends LedgerException {
    SliceGoneException(String sliceId) {
        super("slice " + sliceId + " is not open");
    }
}
