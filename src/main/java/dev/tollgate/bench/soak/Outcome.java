package dev.tollgate.bench.soak;

/**
 * What the client saw of one soak request. {@code completed}: a 200 with the whole answer (a stream up
 * to {@code [DONE]}); {@code status} -1: the connection broke (the replica was killed, or the soak
 * disconnected on purpose); {@code cache}: the {@code x-tollgate-cache} answer header, if any.
 */
record Outcome(long marker, Kind kind, int replica, int status, String requestId, String errorCode, boolean completed,
               String cache, long startMs, long endMs, long tokens) {

    /** The request mix, each with the account or key it runs on. */
    enum Kind { PLAIN, STREAM, FALLBACK, FLAKY, CACHED, DISCONNECT, POOR, METERED, RPM_KEY, TPM_KEY, PARALLEL_KEY }
}
