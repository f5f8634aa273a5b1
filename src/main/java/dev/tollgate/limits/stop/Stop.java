package dev.tollgate.limits.stop;

/**
 * One emergency stop. {@code subject} names what is stopped (a provider name, an account id, a key
 * id) and is null for a global stop; {@code releasedAtMs} is null while the stop is active.
 * {@code origin} says who made it: {@code admin} (HTTP API), {@code cli}, or {@code automatic}.
 */
public record Stop(String id, StopScope scope, String subject, String reason, String origin,
                   long createdAtMs, Long releasedAtMs) {

    /** The longest reason accepted: it is echoed in every refused request's message. */
    public static final int REASON_CHARS_MAX = 500;

    public boolean active() { return releasedAtMs == null; }

    /** How the stop is named to a refused caller: "global", "provider 'openai'", "account acct_…". */
    public String describe() {
        return switch (scope) {
            case GLOBAL -> "global";
            case PROVIDER -> "provider '" + subject + "'";
            case ACCOUNT -> "account " + subject;
            case KEY -> "API key " + subject;
        };
    }
}
