package dev.tollgate.cli;

import dev.tollgate.api.CreditAmounts;
import dev.tollgate.http.ApiException;
import java.math.BigDecimal;

/** Credits typed on the command line, as whole micro-credits, by the same rule as the admin API. */
final class Micros {
    private Micros() {}

    /** @param what how the value was given, for the message: "--credits", "AMOUNT" */
    static long of(BigDecimal credits, String what, boolean allowNegative) {
        try {
            return CreditAmounts.micros(credits, what, allowNegative);
        } catch (ApiException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
