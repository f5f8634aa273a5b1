package dev.tollgate.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optional top-level {@code limits} and {@code plans} sections (CONTRACT §5). Kept apart from
 * {@link ConfigLoader} like {@link RoutingConfig}; every check names its key path. The {@code alerts}
 * section is not read here (the alerts package owns it).
 */
final class PlansConfig {
    private static final Set<String> PLAN_KEYS = Set.of("rpm", "tpm", "max_parallel", "monthly", "monthly_budget",
            "models", "max_context", "features", "price", "description", "alert_thresholds",
            "cache_ttl", // cache_ttl: read by CacheConfig
            "max_presets");
    private static final long INT_MAX = Integer.MAX_VALUE;

    private PlansConfig() {}

    /** {@code root}: the whole file. */
    static Limits parse(ConfigNode root, List<TollgateConfig.Model> models, Map<String, List<String>> aliases) {
        int defaultRpm = Limits.DEFAULT.defaultRpm();
        long leaseMs = Limits.DEFAULT.parallelLeaseMs();
        long redisTimeoutMs = Limits.DEFAULT.redisTimeoutMs();
        if (root.has("limits")) {
            ConfigNode limits = root.child("limits");
            limits.allowOnly(Set.of("default_rpm", "parallel_lease_ms", "redis_timeout_ms"));
            defaultRpm = (int) bounded(limits, "default_rpm", defaultRpm);
            leaseMs = limits.longValue("parallel_lease_ms", leaseMs, 1_000);
            if (leaseMs > 3_600_000) throw limits.child("parallel_lease_ms").error("must be at most 3600000 (an hour)");
            redisTimeoutMs = limits.longValue("redis_timeout_ms", redisTimeoutMs, 10);
            if (redisTimeoutMs > 10_000) throw limits.child("redis_timeout_ms").error("must be at most 10000 (10 s)");
        }
        Set<String> names = new HashSet<>(aliases.keySet());
        models.forEach(m -> names.add(m.name()));
        Map<String, Limits.Plan> plans = new LinkedHashMap<>();
        ConfigNode section = root.child("plans");
        if (root.has("plans")) section.requireObject();
        for (String name : section.keys()) {
            plans.put(name, plan(name, section.child(name), names));
        }
        return new Limits(defaultRpm, leaseMs, redisTimeoutMs, java.util.Collections.unmodifiableMap(plans));
    }

    private static Limits.Plan plan(String name, ConfigNode p, Set<String> modelNames) {
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) throw p.error("plan names are 1-64 letters, digits, '_', '.' or '-'");
        if (!p.isMapping()) throw p.error("must be a mapping (an empty plan is written {})");
        p.allowOnly(PLAN_KEYS);
        return new Limits.Plan(name, optionalInt(p, "rpm"), optionalInt(p, "tpm"), optionalInt(p, "max_parallel"),
                monthly(p), budget(p), models(p, modelNames), maxContext(p), features(p),
                p.has("price") ? p.child("price").text() : null, p.text("description", null), thresholds(p),
                optionalInt(p, "max_presets"));
    }

    private static Limits.Monthly monthly(ConfigNode plan) {
        if (!plan.has("monthly")) return Limits.Monthly.NONE;
        ConfigNode m = plan.child("monthly");
        m.allowOnly(Set.of("messages", "tokens", "images"));
        return new Limits.Monthly(m.optionalLong("messages", 0), m.optionalLong("tokens", 0), m.optionalLong("images", 0));
    }

    /** {@code monthly_budget}: credits, at most 6 decimals (the ledger counts whole µcr). */
    private static Long budget(ConfigNode plan) {
        if (!plan.has("monthly_budget")) return null;
        ConfigNode b = plan.child("monthly_budget");
        BigDecimal credits = b.decimal();
        try {
            return credits.movePointRight(6).longValueExact();
        } catch (ArithmeticException e) {
            throw b.error("must be a number of credits with at most 6 decimals, got " + credits.toPlainString());
        }
    }

    private static Set<String> models(ConfigNode plan, Set<String> known) {
        if (!plan.has("models")) return null;
        Set<String> out = new LinkedHashSet<>();
        for (ConfigNode m : plan.child("models").list()) {
            String model = m.text();
            if (!known.contains(model) && !model.equals("auto")) {
                throw m.error("no model or alias named '" + model + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
            if (!out.add(model)) throw m.error("'" + model + "' is listed twice");
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    private static Integer maxContext(ConfigNode plan) {
        if (!plan.has("max_context")) return null;
        long v = plan.longValue("max_context", 0, 1);
        if (v > INT_MAX) throw plan.child("max_context").error("must be at most " + INT_MAX);
        return (int) v;
    }

    private static Limits.Features features(ConfigNode plan) {
        if (!plan.has("features")) return Limits.Features.ALL;
        ConfigNode f = plan.child("features");
        f.allowOnly(Set.of("images", "cache"));
        return new Limits.Features(bool(f, "images"), bool(f, "cache"));
    }

    private static boolean bool(ConfigNode features, String key) {
        if (!features.has(key)) return true;
        String v = features.child(key).text().trim();
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw features.child(key).error("must be true or false, got '" + v + "'");
    }

    /** {@code alert_thresholds}: percents 1..100, each once, kept in ascending order. */
    private static List<Integer> thresholds(ConfigNode plan) {
        if (!plan.has("alert_thresholds")) return null;
        Set<Integer> seen = new java.util.TreeSet<>();
        for (ConfigNode t : plan.child("alert_thresholds").list()) {
            String raw = t.text().trim();
            int v;
            try {
                v = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                throw t.error("must be a whole percent from 1 to 100, got '" + raw + "'");
            }
            if (v < 1 || v > 100) throw t.error("must be a percent from 1 to 100, got " + v);
            if (!seen.add(v)) throw t.error(v + " is listed twice");
        }
        return List.copyOf(new ArrayList<>(seen));
    }

    /** A limit: a whole number ≥ 0 (0 = unlimited) that fits an int; null when absent. */
    private static Integer optionalInt(ConfigNode node, String key) {
        return node.has(key) ? (int) bounded(node, key, 0) : null;
    }

    private static long bounded(ConfigNode node, String key, long fallback) {
        long v = node.longValue(key, fallback, 0);
        if (v > INT_MAX) throw node.child(key).error("must be at most " + INT_MAX + ", got " + v);
        return v;
    }
}
