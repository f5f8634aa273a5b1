package dev.tollgate.ledger;

/** The account's available balance cannot cover the amount (maps to HTTP 402). */
public final class InsufficientCreditsException extends LedgerException {
    private final long requiredMicros;
    private final long availableMicros;
    /** Other replicas' slices asked to return their unused part and not answered yet (see Ledger). */
    private final int recallsPending;

    public InsufficientCreditsException(long requiredMicros, long availableMicros) {
        this(requiredMicros, availableMicros, 0);
    }

    InsufficientCreditsException(long requiredMicros, long availableMicros, int recallsPending) {
        super("insufficient credits: required " + requiredMicros + " µcr, available " + availableMicros + " µcr");
        this.requiredMicros = requiredMicros;
        this.availableMicros = availableMicros;
        this.recallsPending = recallsPending;
    }

    int recallsPending() { return recallsPending; }

    public long requiredMicros() { return requiredMicros; }

    public long availableMicros() { return availableMicros; }
}
