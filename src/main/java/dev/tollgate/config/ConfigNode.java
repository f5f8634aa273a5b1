package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML node that knows its key path, so every validation error can name file, path and problem.
 * Scalar strings get {@code ${VAR}} substitution as they are read.
 */
final class ConfigNode {
    private final String source;
    private final String path;
    private final JsonNode node;
    private final Map<String, String> env;

    ConfigNode(String source, String path, JsonNode node, Map<String, String> env) {
        this.source = source;
        this.path = path;
        this.node = node;
        this.env = env;
    }

    String path() { return path; }

    ConfigException error(String problem) { return new ConfigException(source, path, problem); }

    boolean has(String key) {
        JsonNode v = node == null ? null : node.get(key);
        return v != null && !v.isNull();
    }

    ConfigNode child(String key) {
        return new ConfigNode(source, path.isEmpty() ? key : path + "." + key, node == null ? null : node.get(key), env);
    }

    /** Fails on keys the schema does not know: a typo must not silently change behaviour. */
    void allowOnly(Set<String> keys) {
        requireObject();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw child(k).error("unknown key (expected one of " + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
    }

    void requireObject() {
        if (node == null || !node.isObject()) throw error("must be a mapping");
    }

    boolean isText() { return node != null && node.isTextual(); }

    boolean isMapping() { return node != null && node.isObject(); }

    String text() {
        if (node == null || node.isNull()) throw error("is required");
        if (!node.isValueNode()) throw error("must be a single value, not a list or mapping");
        try {
            return EnvSubstitution.apply(node.asText(), env);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    String text(String key, String fallback) {
        return has(key) ? child(key).text() : fallback;
    }

    String requiredText(String key) {
        if (!has(key)) throw child(key).error("is required");
        String v = child(key).text();
        if (v.isBlank()) throw child(key).error("must not be empty");
        return v;
    }

    BigDecimal decimal() {
        String raw = text().trim();
        try {
            BigDecimal d = new BigDecimal(raw);
            if (d.signum() < 0) throw error("must not be negative, got " + raw);
            return d;
        } catch (NumberFormatException e) {
            throw error("must be a number, got '" + raw + "'");
        }
    }

    long longValue(String key, long fallback, long min) {
        if (!has(key)) return fallback;
        ConfigNode c = child(key);
        String raw = c.text().trim();
        long v;
        try {
            v = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw c.error("must be a whole number, got '" + raw + "'");
        }
        if (v < min) throw c.error("must be at least " + min + ", got " + v);
        return v;
    }

    Long optionalLong(String key, long min) {
        return has(key) ? longValue(key, 0, min) : null;
    }

    List<ConfigNode> list() {
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw error("must be a list");
        List<ConfigNode> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            items.add(new ConfigNode(source, path + "[" + i + "]", node.get(i), env));
        }
        return items;
    }

    List<String> keys() {
        if (node == null || node.isNull()) return List.of();
        requireObject();
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
