package dev.tollgate.cli;

import java.math.BigDecimal;

/** Credits typed on the command line, as whole micro-credits. */
final class Micros {
    private Micros() {}

    static long of(BigDecimal credits) {
        BigDecimal micros = credits.movePointRight(6);
        if (micros.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("amount " + credits.toPlainString() + " has more than 6 decimal places");
        }
        if (micros.signum() == 0) throw new IllegalArgumentException("amount must not be zero");
        return micros.longValueExact();
    }
}
