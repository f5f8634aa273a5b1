package dev.tollgate.config;

import dev.tollgate.limits.alerts.WebhookSignature;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The optional top-level {@code alerts} section (docs/alerts.md). Kept apart from {@link ConfigLoader}
 * so the loader only gains one call; every check names its key path.
 */
final class AlertsConfig {
    private static final int MAX_ATTEMPTS_MAX = 20;
    private static final long BACKOFF_MS_MAX = 600_000;
    private static final long TIMEOUT_MS_MAX = 60_000;

    private AlertsConfig() {}

    /** {@code root}: the whole file; the section is {@code root.alerts}. */
    static TollgateConfig.Alerts parse(ConfigNode root) {
        if (!root.has("alerts")) return TollgateConfig.Alerts.DEFAULTS;
        ConfigNode a = root.child("alerts");
        a.allowOnly(Set.of("thresholds", "webhook_url", "webhook_secret", "max_attempts", "backoff_ms", "timeout_ms"));
        TollgateConfig.Alerts d = TollgateConfig.Alerts.DEFAULTS;
        List<Integer> thresholds = a.has("thresholds") ? thresholds(a.child("thresholds")) : d.thresholds();
        String url = blankToNull(a.text("webhook_url", null));
        String secret = blankToNull(a.text("webhook_secret", null));
        if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
            throw a.child("webhook_url").error("must start with http:// or https://");
        }
        if (url != null && secret == null) {
            throw a.child("webhook_secret").error("is required with webhook_url: deliveries are always signed"
                    + " (generate one with: echo whsec_$(openssl rand -base64 32))");
        }
        if (url == null && secret != null) throw a.child("webhook_url").error("is required with webhook_secret");
        if (secret != null) {
            try {
                WebhookSignature.keyBytes(secret);
            } catch (IllegalArgumentException e) {
                // the message never repeats the secret
                throw a.child("webhook_secret").error(e.getMessage());
            }
        }
        long maxAttempts = a.longValue("max_attempts", d.maxAttempts(), 1);
        if (maxAttempts > MAX_ATTEMPTS_MAX) throw a.child("max_attempts").error("must be at most " + MAX_ATTEMPTS_MAX);
        long backoffMs = a.longValue("backoff_ms", d.backoffMs(), 1);
        if (backoffMs > BACKOFF_MS_MAX) throw a.child("backoff_ms").error("must be at most " + BACKOFF_MS_MAX + " (10 minutes)");
        long timeoutMs = a.longValue("timeout_ms", d.timeoutMs(), 1);
        if (timeoutMs > TIMEOUT_MS_MAX) throw a.child("timeout_ms").error("must be at most " + TIMEOUT_MS_MAX + " (a minute)");
        return new TollgateConfig.Alerts(thresholds, url, secret, (int) maxAttempts, backoffMs, timeoutMs);
    }

    /** Whole percents 1..100, ascending and unique; an empty list turns alerts off. */
    private static List<Integer> thresholds(ConfigNode list) {
        List<Integer> out = new ArrayList<>();
        for (ConfigNode item : list.list()) {
            String raw = item.text().trim();
            int t;
            try {
                t = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                throw item.error("must be a whole percent from 1 to 100, got '" + raw + "'");
            }
            if (t < 1 || t > 100) throw item.error("must be a whole percent from 1 to 100, got " + t);
            if (!out.isEmpty() && t <= out.get(out.size() - 1)) {
                throw item.error("thresholds must be ascending and unique, got " + t + " after " + out.get(out.size() - 1));
            }
            out.add(t);
        }
        return List.copyOf(out);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
