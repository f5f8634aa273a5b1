package dev.tollgate.api;

import dev.tollgate.provider.ProviderException;
import dev.tollgate.routing.Deployment;
import java.util.Locale;

/**
 * The {@code x-tollgate-attempts} header: every decision the attempt loop took for one request, in
 * order. Grammar (docs/routing.md):
 *
 * <pre>
 * attempts = entry *( "; " entry ) [ "; +" count " more" ]
 * entry    = model "@" provider "=" outcome
 * outcome  = "ok"                                ; this call answered (for a stream: it started)
 *          / kind [ "/" status ]                 ; this call failed: kind in lower case, provider's HTTP status
 *          / "skip:" reason [ "/" retry-ms ]     ; not called: breaker_open, rpm_limited, insufficient_credits,
 *                                                ; emergency_stop (the provider is stopped); the route's own skips
 *                                                ; (provider preferences, listed first): provider_ignored,
 *                                                ; provider_not_allowed, max_price, no_fallbacks; a capability
 *                                                ; the request needs and the model lacks: no_json_schema,
 *                                                ; no_tools, no_vision
 * </pre>
 *
 * A retry of the same deployment is a repeated entry. Parse each entry from the right: the last
 * {@code =} ends the deployment, the last {@code @} before it ends the model name. Characters outside
 * visible ASCII, and {@code ;} in names, become {@code _}. At most {@value #ENTRIES_MAX} entries are listed.
 */
final class AttemptLog {
    static final String HEADER = ChatResponder.ATTEMPTS_HEADER;
    static final int ENTRIES_MAX = 32;

    private final StringBuilder text = new StringBuilder();
    private int entries;

    void failed(Deployment d, ProviderException e) {
        String kind = e.kind().name().toLowerCase(Locale.ROOT);
        add(d, e.upstreamStatus() > 0 ? kind + "/" + e.upstreamStatus() : kind);
    }

    void skipped(Deployment d, String reason) {
        add(d, "skip:" + reason);
    }

    void skipped(Deployment d, String reason, long retryAfterMs) {
        add(d, "skip:" + reason + "/" + retryAfterMs);
    }

    /** The header with a final {@code ok} entry for {@code d}; the log itself is unchanged. */
    String withOk(Deployment d) {
        return entries >= ENTRIES_MAX ? render(1) : render(0) + (entries == 0 ? "" : "; ") + entry(d, "ok");
    }

    /** The header as it stands (when nothing succeeded). */
    String render() { return render(0); }

    private String render(int extra) {
        int more = entries - ENTRIES_MAX + extra;
        return more > 0 ? text + "; +" + more + " more" : text.toString();
    }

    private void add(Deployment d, String outcome) {
        entries++;
        if (entries > ENTRIES_MAX) return;
        if (!text.isEmpty()) text.append("; ");
        text.append(entry(d, outcome));
    }

    private static String entry(Deployment d, String outcome) {
        return clean(d.publicName()) + "@" + clean(d.providerName()) + "=" + outcome;
    }

    private static String clean(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            out.append(c > 0x20 && c < 0x7f && c != ';' ? c : '_');
        }
        return out.toString();
    }
}
