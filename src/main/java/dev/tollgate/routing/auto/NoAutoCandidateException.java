package dev.tollgate.routing.auto;

/**
 * {@code "model": "auto"} found no candidate for the request's (task, complexity) cell that is
 * available and scores at least the policy's {@code min_quality}. An operating error, not a bug:
 * the gateway answers it like an unavailable model.
 */
public final class NoAutoCandidateException extends RuntimeException {
    public NoAutoCandidateException(String message) {
        super(message, null, false, false);
    }
}
