package dev.tollgate.testing;

import dev.tollgate.http.ApiException;

/**
 * The property every request-parser fuzz target checks: a parser either accepts its input or refuses
 * it with an {@link ApiException} that is a 4xx. Any other exception escaping is a finding (it would
 * be a 500 on the wire). Inputs are bounded so a slow parser shows up as a slow unit, not an OOM.
 */
public final class FuzzProperty {
    /** Larger than any interesting JSON shape, far below the 4 MiB body limit: keeps executions fast. */
    public static final int INPUT_BYTES_MAX = 64 * 1024;

    private FuzzProperty() {}

    public interface Target {
        void run() throws Exception;
    }

    public static void acceptedOrClientError(Target target) throws Exception {
        try {
            target.run();
        } catch (ApiException e) {
            if (e.status() < 400 || e.status() > 499) {
                throw new AssertionError("a parser answered " + e.status() + ": " + e.getMessage(), e);
            }
            if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("a 4xx without a message", e);
        }
    }
}
