package dev.tollgate.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optional top-level {@code routing} section. Kept apart from {@link ConfigLoader} so the loader
 * only gains one call: every check here names its key path, like the rest of the config.
 */
final class RoutingConfig {
    private RoutingConfig() {}

    /** {@code root}: the whole file; the section is {@code root.routing}. */
    static TollgateConfig.Routing parse(ConfigNode root, List<TollgateConfig.Model> models,
                                        Map<String, List<String>> aliases) {
        if (!root.has("routing")) return TollgateConfig.Routing.NONE;
        ConfigNode routing = root.child("routing");
        routing.allowOnly(Set.of("auto", "budgets", "retries", "breaker", "sticky"));
        return new TollgateConfig.Routing(auto(routing, models, aliases), budgets(routing), retries(routing), breaker(routing),
                sticky(routing));
    }

    /** {@code routing.sticky}: true or false (default false). */
    private static boolean sticky(ConfigNode routing) {
        String raw = routing.text("sticky", "false");
        if (!raw.equals("true") && !raw.equals("false")) throw routing.child("sticky").error("must be true or false");
        return raw.equals("true");
    }

    /** {@code routing.retries}: tries per deployment before the next candidate, and the backoff between them. */
    private static TollgateConfig.Retries retries(ConfigNode routing) {
        if (!routing.has("retries")) return TollgateConfig.Retries.DEFAULTS;
        ConfigNode r = routing.child("retries");
        r.allowOnly(Set.of("max_attempts", "base_backoff_ms", "max_backoff_ms"));
        TollgateConfig.Retries d = TollgateConfig.Retries.DEFAULTS;
        long maxAttempts = r.longValue("max_attempts", d.maxAttempts(), 1);
        if (maxAttempts > 10) throw r.child("max_attempts").error("must be at most 10, got " + maxAttempts);
        long baseMs = r.longValue("base_backoff_ms", d.baseBackoffMs(), 0);
        long maxMs = r.longValue("max_backoff_ms", Math.max(d.maxBackoffMs(), baseMs), 0);
        if (maxMs > 60_000) throw r.child("max_backoff_ms").error("must be at most 60000 (a minute), got " + maxMs);
        if (maxMs < baseMs) throw r.child("max_backoff_ms").error("must be at least base_backoff_ms (" + baseMs + ")");
        return new TollgateConfig.Retries((int) maxAttempts, baseMs, maxMs);
    }

    /** {@code routing.breaker}: consecutive retryable failures that open a deployment's breaker, and for how long. */
    private static TollgateConfig.Breaker breaker(ConfigNode routing) {
        if (!routing.has("breaker")) return TollgateConfig.Breaker.DEFAULTS;
        ConfigNode b = routing.child("breaker");
        b.allowOnly(Set.of("failure_threshold", "open_ms"));
        TollgateConfig.Breaker d = TollgateConfig.Breaker.DEFAULTS;
        long threshold = b.longValue("failure_threshold", d.failureThreshold(), 1);
        if (threshold > 1_000) throw b.child("failure_threshold").error("must be at most 1000, got " + threshold);
        long openMs = b.longValue("open_ms", d.openMs(), 1);
        if (openMs > 3_600_000) throw b.child("open_ms").error("must be at most 3600000 (an hour), got " + openMs);
        return new TollgateConfig.Breaker((int) threshold, openMs);
    }

    /** {@code routing.auto}, or null when absent. */
    private static TollgateConfig.Auto auto(ConfigNode routing, List<TollgateConfig.Model> models,
                                            Map<String, List<String>> aliases) {
        if (!routing.has("auto")) return null;
        ConfigNode auto = routing.child("auto");
        auto.allowOnly(Set.of("policy", "min_quality"));
        Set<String> names = new HashSet<>(aliases.keySet());
        models.forEach(m -> names.add(m.name()));
        double minQuality = auto.has("min_quality") ? quality(auto.child("min_quality")) : 0.0;
        Map<String, Map<String, List<TollgateConfig.AutoCandidate>>> policy =
                auto.has("policy") ? policy(auto.child("policy"), names) : Map.of();
        return new TollgateConfig.Auto(policy, minQuality);
    }

    /** {@code routing.budgets}: thresholds as fractions of a provider's monthly budget, 0 < warn_at <= switch_at <= 1. */
    private static TollgateConfig.Budgets budgets(ConfigNode routing) {
        if (!routing.has("budgets")) return TollgateConfig.Budgets.DEFAULT;
        ConfigNode b = routing.child("budgets");
        b.allowOnly(Set.of("warn_at", "switch_at", "refresh_ms", "auto_stop_at"));
        TollgateConfig.Budgets d = TollgateConfig.Budgets.DEFAULT;
        double warnAt = b.has("warn_at") ? fraction(b.child("warn_at")) : d.warnAt();
        double switchAt = b.has("switch_at") ? fraction(b.child("switch_at")) : d.switchAt();
        if (warnAt > switchAt) {
            throw b.child("warn_at").error("must not be above switch_at (" + switchAt + "), got " + warnAt);
        }
        long refreshMs = b.longValue("refresh_ms", d.refreshMs(), 100);
        if (refreshMs > 300_000) throw b.child("refresh_ms").error("must be at most 300000 (5 minutes)");
        Double autoStopAt = b.has("auto_stop_at") ? fraction(b.child("auto_stop_at")) : null; // emergency stop
        return new TollgateConfig.Budgets(warnAt, switchAt, refreshMs, autoStopAt);
    }

    private static double fraction(ConfigNode node) {
        BigDecimal f = node.decimal();
        if (f.signum() == 0 || f.compareTo(BigDecimal.ONE) > 0) {
            throw node.error("must be above 0 and at most 1, got " + f.toPlainString());
        }
        return f.doubleValue();
    }

    private static Map<String, Map<String, List<TollgateConfig.AutoCandidate>>> policy(ConfigNode policy, Set<String> names) {
        Map<String, Map<String, List<TollgateConfig.AutoCandidate>>> out = new LinkedHashMap<>();
        policy.allowOnly(Set.copyOf(TollgateConfig.Auto.TASK_TYPES));
        for (String task : policy.keys()) {
            ConfigNode byComplexity = policy.child(task);
            byComplexity.allowOnly(Set.copyOf(TollgateConfig.Auto.COMPLEXITIES));
            Map<String, List<TollgateConfig.AutoCandidate>> cells = new LinkedHashMap<>();
            for (String complexity : byComplexity.keys()) {
                if (!byComplexity.has(complexity)) {
                    throw byComplexity.child(complexity).error("must list at least one candidate");
                }
                cells.put(complexity, candidates(byComplexity.child(complexity), names));
            }
            out.put(task, Map.copyOf(cells));
        }
        return Map.copyOf(out);
    }

    private static List<TollgateConfig.AutoCandidate> candidates(ConfigNode list, Set<String> names) {
        List<ConfigNode> items = list.list();
        if (items.isEmpty()) throw list.error("must list at least one candidate");
        Set<String> seen = new HashSet<>();
        List<TollgateConfig.AutoCandidate> out = new ArrayList<>();
        for (ConfigNode c : items) {
            c.allowOnly(Set.of("model", "quality"));
            String model = c.requiredText("model");
            if (!names.contains(model)) {
                throw c.child("model").error("no model or alias named '" + model + "' (known: "
                        + String.join(", ", names.stream().sorted().toList()) + ")");
            }
            if (!seen.add(model)) throw c.child("model").error("'" + model + "' is listed twice");
            if (!c.has("quality")) throw c.child("quality").error("is required (a score from 0 to 1)");
            out.add(new TollgateConfig.AutoCandidate(model, quality(c.child("quality"))));
        }
        return List.copyOf(out);
    }

    private static double quality(ConfigNode node) {
        BigDecimal q = node.decimal();
        if (q.compareTo(BigDecimal.ONE) > 0) throw node.error("must be between 0 and 1, got " + q.toPlainString());
        return q.doubleValue();
    }
}
