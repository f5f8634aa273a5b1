package dev.tollgate.config;

import java.util.Set;

/**
 * The optional top-level {@code usage} section (docs/analytics.md "Configuration"). Kept apart from
 * {@link ConfigLoader} so the loader only gains one call; every check names its key path.
 */
final class UsageConfig {
    private UsageConfig() {}

    static TollgateConfig.UsageSettings parse(ConfigNode root) {
        if (!root.has("usage")) return TollgateConfig.UsageSettings.DEFAULTS;
        ConfigNode u = root.child("usage");
        u.allowOnly(Set.of("retention_days", "access_log", "log_prompts", "queue_capacity", "task_analysis", "events"));
        TollgateConfig.UsageSettings d = TollgateConfig.UsageSettings.DEFAULTS;
        long retentionDays = u.longValue("retention_days", d.retentionDays(), 1);
        if (retentionDays > 3_650) throw u.child("retention_days").error("must be at most 3650 (ten years), got " + retentionDays);
        String accessLog = u.text("access_log", d.accessLog()).trim();
        if (accessLog.isEmpty()) throw u.child("access_log").error("must be stdout, off or a file path");
        long capacity = u.longValue("queue_capacity", d.queueCapacity(), 100);
        if (capacity > 1_000_000) throw u.child("queue_capacity").error("must be at most 1000000, got " + capacity);
        return new TollgateConfig.UsageSettings((int) retentionDays, accessLog, flag(u, "log_prompts", d.logPrompts()),
                (int) capacity, flag(u, "task_analysis", d.taskAnalysis()), flag(u, "events", d.events()));
    }

    private static boolean flag(ConfigNode u, String key, boolean fallback) {
        if (!u.has(key)) return fallback;
        String raw = u.child(key).text().trim();
        if (!raw.equals("true") && !raw.equals("false")) throw u.child(key).error("must be true or false");
        return raw.equals("true");
    }
}
