package dev.tollgate.billing;

import dev.tollgate.ledger.Ledger;

/** The credits an account is opened with: one grant per account, so a retried creation never pays twice. */
public final class Funding {
    private Funding() {}

    /** @return the posted balance after the grant (0 when {@code micros} is 0) */
    public static long open(Ledger ledger, String accountId, long micros, String reason) {
        if (micros == 0) return 0;
        return ledger.grant("open:" + accountId, accountId, micros, reason);
    }
}
