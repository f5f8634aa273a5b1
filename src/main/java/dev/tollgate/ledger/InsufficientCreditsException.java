package dev.tollgate.ledger;

/** The account's available balance cannot cover the amount (maps to HTTP 402). */
public final class InsufficientCreditsException extends LedgerException {
    private final long requiredMicros;
    private final long availableMicros;

    public InsufficientCreditsException(long requiredMicros, long availableMicros) {
        super("insufficient credits: required " + requiredMicros + " µcr, available " + availableMicros + " µcr");
        this.requiredMicros = requiredMicros;
        this.availableMicros = availableMicros;
    }

    public long requiredMicros() { return requiredMicros; }

    public long availableMicros() { return availableMicros; }
}
