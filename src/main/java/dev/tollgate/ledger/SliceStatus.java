package dev.tollgate.ledger;

import java.util.Locale;

/** A slice leaves OPEN exactly once: CLOSED when its replica returns it, EXPIRED when its lease ran out. */
enum SliceStatus {
    OPEN, CLOSED, EXPIRED;

    String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    static SliceStatus ofSql(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
