package dev.tollgate.limits.quota;

import java.util.List;

/**
 * One monthly counter: {@code scope} "account" or "key", {@code subject} the account or key id,
 * {@code metric} one of {@link #METRICS}. The period is not part of it: every operation works on
 * the current calendar month (UTC) of the {@link Quotas} that is asked.
 */
public record Counter(String scope, String subject, String metric) {
    public static final List<String> SCOPES = List.of("account", "key");
    public static final List<String> METRICS = List.of("messages", "tokens", "images", "spend_micros");

    public Counter {
        if (!SCOPES.contains(scope)) throw new IllegalArgumentException("counter scope must be one of " + SCOPES + ": " + scope);
        if (!METRICS.contains(metric)) throw new IllegalArgumentException("counter metric must be one of " + METRICS + ": " + metric);
        if (subject == null || subject.isEmpty() || subject.length() > 200) {
            throw new IllegalArgumentException("counter subject must be 1..200 characters");
        }
        // Subjects are ids; the Redis store separates entries by control characters, so none may appear.
        for (int i = 0; i < subject.length(); i++) {
            if (Character.isISOControl(subject.charAt(i))) {
                throw new IllegalArgumentException("counter subject must not contain control characters");
            }
        }
    }

    /** A stable, unambiguous text form (scope and metric have no ':'): the Redis hash field. */
    String field() {
        return scope + ':' + subject + ':' + metric;
    }

    /** The counter of a {@link #field()}. */
    static Counter ofField(String field) {
        int first = field.indexOf(':');
        int last = field.lastIndexOf(':');
        return new Counter(field.substring(0, first), field.substring(first + 1, last), field.substring(last + 1));
    }
}
