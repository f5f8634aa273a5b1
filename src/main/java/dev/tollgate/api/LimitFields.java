package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.LimitOverrides;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.http.ApiException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The limit fields of the admin API (CONTRACT §5): {@code rpm}, {@code tpm}, {@code max_parallel} (whole numbers,
 * 0 = unlimited), {@code monthly_budget} (credits), and for keys {@code models} (public names). A field that is
 * absent stays as it is; {@code null} clears it (the plan decides again).
 */
final class LimitFields {
    static final Set<String> ACCOUNT = Set.of("plan", "rpm", "tpm", "max_parallel", "monthly_budget");
    static final Set<String> KEY = Set.of("rpm", "tpm", "max_parallel", "monthly_budget", "models");
    private static final int MODELS_MAX = 100;

    private LimitFields() {}

    /** The store columns to set (value) or clear (null) for the fields {@code body} has; unknown fields are refused. */
    static Map<String, Object> columns(ObjectNode body, Set<String> allowed, TollgateConfig config) {
        body.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f) && !f.equals("name")) {
                throw ApiException.invalid(f, "Unknown parameter: '" + f + "' (expected "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        for (String field : allowed) {
            if (!body.has(field)) continue;
            JsonNode v = body.get(field);
            out.put(field, v.isNull() ? null : switch (field) {
                case "plan" -> plan(v, config);
                case "monthly_budget" -> CreditAmounts.micros(v, field, false);
                case "models" -> models(v, config);
                default -> limit(v, field);
            });
        }
        return out;
    }

    /** The key limits of a create request (absent and null alike: not set). */
    @SuppressWarnings("unchecked")
    static LimitOverrides key(Map<String, Object> columns) {
        return new LimitOverrides((Integer) columns.get("rpm"), (Integer) columns.get("tpm"),
                (Integer) columns.get("max_parallel"), (Long) columns.get("monthly_budget"));
    }

    /**
     * A plan must be configured when the config has plans; with no {@code plans:} section any name is a label
     * (kept from before plans existed). An account whose plan later leaves the config gets no plan limits.
     */
    static String plan(JsonNode v, TollgateConfig config) {
        if (!v.isTextual() || v.asText().isBlank()) throw ApiException.invalid("plan", "'plan' must be a non-empty string");
        String plan = v.asText();
        Map<String, ?> plans = config.limits().plans();
        if (!plans.isEmpty() && !plans.containsKey(plan)) {
            throw ApiException.invalid("plan", "No plan named '" + plan + "' (plans: " + String.join(", ", plans.keySet()) + ")");
        }
        return plan;
    }

    private static Integer limit(JsonNode v, String field) {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw ApiException.invalid(field, "'" + field + "' must be a whole number, 0 for unlimited, or null to clear it");
        }
        return v.asInt();
    }

    private static Set<String> models(JsonNode v, TollgateConfig config) {
        if (!v.isArray() || v.isEmpty() || v.size() > MODELS_MAX) {
            throw ApiException.invalid("models", "'models' must be a list of 1 to " + MODELS_MAX + " model names, or null for all");
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < v.size(); i++) {
            String name = v.get(i).asText("");
            boolean known = config.aliases().containsKey(name) || name.equals("auto")
                    || config.models().stream().anyMatch(m -> m.name().equals(name));
            if (!v.get(i).isTextual() || !known) {
                throw ApiException.invalid("models[" + i + "]", "'models[" + i + "]' is not a model or alias: '" + name + "'");
            }
            out.add(name);
        }
        return out;
    }
}
