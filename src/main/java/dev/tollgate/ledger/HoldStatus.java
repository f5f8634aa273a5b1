package dev.tollgate.ledger;

import java.util.Locale;

/** A hold leaves OPEN exactly once, to one of the other three states, and never comes back. */
public enum HoldStatus {
    OPEN, SETTLED, RELEASED, EXPIRED;

    String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    static HoldStatus ofSql(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
