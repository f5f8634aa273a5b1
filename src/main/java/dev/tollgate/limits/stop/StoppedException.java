package dev.tollgate.limits.stop;

/**
 * Thrown on the request path when an emergency stop halts a call that had already started (before
 * or after its first byte). The attempt loop skips the provider for a provider stop and refuses the
 * request for any other scope; a stream that already reached the client ends with an in-band error.
 */
public final class StoppedException extends RuntimeException {
    private final Stop stop;

    public StoppedException(Stop stop) {
        super("emergency stop " + stop.id(), null, false, false);
        this.stop = stop;
    }

    public Stop stop() { return stop; }
}
