package dev.tollgate.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code cache.auto_breakpoint} (docs/caching.md "Automatic breakpoints"): the shortest system prompt, in
 * tokens, that the gateway marks with Anthropic's {@code cache_control} when the caller marked nothing. Off
 * unless configured. The most specific setting wins: the caller's plan, else the public model, else
 * {@code min_tokens}; 0 means off at that level (a plan can switch it off for its accounts).
 *
 * @param minTokens the default for every model served by an Anthropic provider (0 = off)
 * @param models    public model name → its minimum (0 = never for that model)
 * @param plans     plan name → its minimum (0 = never for that plan's accounts)
 */
public record PromptBreakpoints(long minTokens, Map<String, Long> models, Map<String, Long> plans) {
    public static final PromptBreakpoints OFF = new PromptBreakpoints(0, Map.of(), Map.of());
    /** Far above any context window: a larger minimum is a typo, not a setting. */
    private static final long MIN_TOKENS_MAX = 10_000_000;

    /** The minimum for {@code plan} (null: none) calling {@code model}; 0 = do not add a breakpoint. */
    public long minTokens(String plan, String model) {
        Long byPlan = plan == null ? null : plans.get(plan);
        if (byPlan != null) return byPlan;
        Long byModel = models.get(model);
        return byModel != null ? byModel : minTokens;
    }

    static PromptBreakpoints parse(ConfigNode cache, ConfigNode root) {
        if (!cache.has("auto_breakpoint")) return OFF;
        ConfigNode b = cache.child("auto_breakpoint");
        b.requireObject();
        b.allowOnly(Set.of("min_tokens", "models", "plans"));
        long min = tokens(b, "min_tokens");
        return new PromptBreakpoints(min, named(b, "models", names(root, "models")), named(b, "plans", names(root, "plans")));
    }

    private static Map<String, Long> named(ConfigNode b, String key, Set<String> known) {
        if (!b.has(key)) return Map.of();
        ConfigNode section = b.child(key);
        section.requireObject();
        Map<String, Long> out = new LinkedHashMap<>();
        for (String name : section.keys()) {
            if (!known.contains(name)) {
                throw section.child(name).error("no " + key.substring(0, key.length() - 1) + " named '" + name + "'");
            }
            out.put(name, tokens(section, name));
        }
        return Map.copyOf(out);
    }

    private static long tokens(ConfigNode node, String key) {
        long v = node.longValue(key, 0, 0);
        if (v > MIN_TOKENS_MAX) throw node.child(key).error("must be at most " + MIN_TOKENS_MAX + " tokens, got " + v);
        return v;
    }

    /** The configured model names ({@code models[].name}) or plan names ({@code plans.*}). */
    private static Set<String> names(ConfigNode root, String section) {
        Set<String> out = new java.util.HashSet<>();
        if (!root.has(section)) return out;
        if (section.equals("plans")) return root.child(section).isMapping() ? Set.copyOf(root.child(section).keys()) : out;
        for (ConfigNode m : root.child(section).list()) {
            if (m.isMapping() && m.has("name")) out.add(m.child("name").text());
        }
        return out;
    }
}
