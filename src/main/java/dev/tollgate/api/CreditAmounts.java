package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.http.ApiException;
import java.math.BigDecimal;

/** Credit amounts on the wire are decimals of credits; the ledger counts whole micro-credits. */
public final class CreditAmounts {
    private static final BigDecimal MICROS_PER_CREDIT = BigDecimal.valueOf(1_000_000);
    /** A billion credits per transfer: far above any real top-up, far below overflow. */
    private static final BigDecimal CREDITS_MAX = BigDecimal.valueOf(1_000_000_000L);

    private CreditAmounts() {}

    static long micros(JsonNode v, String param, boolean allowNegative) {
        if (v == null || v.isNull()) throw ApiException.invalid(param, "Missing required parameter: '" + param + "'");
        BigDecimal credits;
        if (v.isNumber()) {
            // 1e400 parses as an infinite double, which has no decimal value: out of range, not a crash
            if (v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue())) throw outOfRange(param);
            credits = v.decimalValue();
        } else if (v.isTextual()) {
            try {
                credits = new BigDecimal(v.asText().trim());
            } catch (NumberFormatException e) {
                throw ApiException.invalid(param, "'" + param + "' must be a number of credits");
            }
        } else throw ApiException.invalid(param, "'" + param + "' must be a number of credits");
        return micros(credits, param, allowNegative);
    }

    /** The rule for every credit amount, wire or command line: at most a billion, at most 6 decimals. */
    public static long micros(BigDecimal credits, String param, boolean allowNegative) {
        if (credits.abs().compareTo(CREDITS_MAX) > 0) throw outOfRange(param);
        if (!allowNegative && credits.signum() < 0) throw ApiException.invalid(param, "'" + param + "' must not be negative");
        BigDecimal micros = credits.multiply(MICROS_PER_CREDIT);
        if (micros.stripTrailingZeros().scale() > 0) {
            throw ApiException.invalid(param, "'" + param + "' has more than 6 decimal places (1 micro-credit is the smallest unit)");
        }
        return micros.longValueExact();
    }

    private static ApiException outOfRange(String param) {
        return ApiException.invalid(param, "'" + param + "' must be at most " + CREDITS_MAX.toPlainString() + " credits");
    }
}
