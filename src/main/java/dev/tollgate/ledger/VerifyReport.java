package dev.tollgate.ledger;

import java.util.List;

/**
 * Result of {@link Ledger#verify()}: ok iff {@code problems} is empty. problems is capped (the
 * first ones are enough to start an investigation); problemCount is the true number.
 */
public record VerifyReport(long transfers, long accounts, long holds, long openHolds, List<String> problems,
                           long problemCount) {
    public boolean ok() {
        return problemCount == 0;
    }
}
