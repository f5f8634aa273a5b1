package dev.tollgate.ledger;

import java.util.Locale;

/**
 * Kinds of posted transfer. GRANT: system:grants → user (top-up). ADJUSTMENT: user →
 * system:grants (an admin grant with a negative amount). CHARGE: user → system:revenue (a settled
 * hold; its id is the hold id). Holds themselves are not transfers and do not appear in history.
 */
public enum TransferType {
    GRANT, ADJUSTMENT, CHARGE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static TransferType ofWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
