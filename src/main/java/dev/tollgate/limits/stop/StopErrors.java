package dev.tollgate.limits.stop;

import dev.tollgate.http.ApiException;

/** The error a stopped request gets (CONTRACT §5): 503 {@code service_unavailable} / {@code emergency_stop}. */
public final class StopErrors {
    private StopErrors() {}

    public static ApiException refused(Stop stop) {
        return new ApiException(503, "service_unavailable", "emergency_stop", null,
                "Emergency stop (" + stop.describe() + "): " + stop.reason(), null);
    }
}
