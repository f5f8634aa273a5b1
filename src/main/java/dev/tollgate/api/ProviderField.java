package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.routing.ProviderPrefs;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The body's {@code provider} object (OpenRouter's routing preferences), taken out before the body is
 * forwarded: it is Tollgate's, not the provider's. Every field is type-checked; names must be configured
 * providers; {@code sort} is {@code price}, {@code latency} or {@code throughput} (docs/routing.md "Provider preferences").
 */
final class ProviderField {
    static final String FIELD = "provider";
    private static final Set<String> KEYS = Set.of("order", "only", "ignore", "allow_fallbacks", "sort", "max_price");
    private static final int NAMES_MAX = 32;

    private ProviderField() {}

    /** The preferences, or {@link ProviderPrefs#NONE} when the body has none; {@code configured}: the provider names. */
    static ProviderPrefs take(ObjectNode body, Set<String> configured) {
        JsonNode v = body.remove(FIELD);
        if (v == null || v.isNull()) return ProviderPrefs.NONE;
        if (!v.isObject()) throw ApiException.invalid(FIELD, "'provider' must be an object");
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw ApiException.invalid(FIELD + "." + k, "'provider." + clip(k) + "' is not supported (supported: "
                        + "order, only, ignore, allow_fallbacks, sort, max_price)");
            }
        }
        ProviderPrefs prefs = new ProviderPrefs(names(v, "order"), new LinkedHashSet<>(names(v, "only")),
                new LinkedHashSet<>(names(v, "ignore")), allowFallbacks(v), sort(v),
                price(v, "prompt"), price(v, "completion"));
        Set<String> unknown = new LinkedHashSet<>();
        for (String n : prefs.names()) if (!configured.contains(n)) unknown.add(clip(n));
        if (!unknown.isEmpty()) {
            throw ApiException.invalid(FIELD, "Unknown provider" + (unknown.size() > 1 ? "s" : "") + " in 'provider': "
                    + String.join(", ", unknown) + " (configured: " + String.join(", ", configured) + ")");
        }
        return prefs;
    }

    private static List<String> names(JsonNode provider, String key) {
        JsonNode v = provider.get(key);
        if (v == null || v.isNull()) return List.of();
        String at = FIELD + "." + key;
        if (!v.isArray()) throw ApiException.invalid(at, "'" + at + "' must be an array of provider names");
        if (v.size() > NAMES_MAX) throw ApiException.invalid(at, "'" + at + "' lists more than " + NAMES_MAX + " providers");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).asText().isBlank()) {
                throw ApiException.invalid(at + "[" + i + "]", "'" + at + "[" + i + "]' must be a provider name");
            }
            if (!out.contains(v.get(i).asText())) out.add(v.get(i).asText());
        }
        return out;
    }

    private static boolean allowFallbacks(JsonNode provider) {
        JsonNode v = provider.get("allow_fallbacks");
        if (v == null || v.isNull()) return true;
        if (!v.isBoolean()) throw ApiException.invalid("provider.allow_fallbacks", "'provider.allow_fallbacks' must be a boolean");
        return v.asBoolean();
    }

    /** {@code price}, or {@code latency} / {@code throughput} from the figures this replica observed. */
    private static ProviderPrefs.Sort sort(JsonNode provider) {
        JsonNode v = provider.get("sort");
        if (v == null || v.isNull()) return ProviderPrefs.Sort.NONE;
        if (!v.isTextual()) throw ApiException.invalid("provider.sort", "'provider.sort' must be a string");
        return switch (v.asText()) {
            case "price" -> ProviderPrefs.Sort.PRICE;
            case "latency" -> ProviderPrefs.Sort.LATENCY;
            case "throughput" -> ProviderPrefs.Sort.THROUGHPUT;
            default -> throw ApiException.invalid("provider.sort", "'provider.sort' must be 'price', 'latency' or 'throughput', got '"
                    + clip(v.asText()) + "'");
        };
    }

    /** {@code max_price.prompt} / {@code .completion}: USD per 1M tokens, null when not given. */
    private static BigDecimal price(JsonNode provider, String key) {
        JsonNode max = provider.get("max_price");
        if (max == null || max.isNull()) return null;
        if (!max.isObject()) throw ApiException.invalid("provider.max_price", "'provider.max_price' must be an object");
        for (Iterator<String> it = max.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("prompt") && !k.equals("completion")) {
                throw ApiException.invalid("provider.max_price", "'provider.max_price." + clip(k)
                        + "' is not supported (supported: prompt, completion, in USD per 1M tokens)");
            }
        }
        JsonNode v = max.get(key);
        if (v == null || v.isNull()) return null;
        String at = "provider.max_price." + key;
        if (!v.isNumber() || v.decimalValue().signum() < 0) {
            throw ApiException.invalid(at, "'" + at + "' must be a non-negative number (USD per 1M tokens)");
        }
        return v.decimalValue();
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
