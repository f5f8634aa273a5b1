package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import java.util.Arrays;

/** Checks of single request parameters, each failing with a 400 that names the parameter. */
final class Params {
    private Params() {}

    static String requiredString(ObjectNode body, String field) {
        String v = optionalString(body, field);
        if (v == null) throw ApiException.invalid(field, "Missing required parameter: '" + field + "'");
        if (v.isBlank()) throw ApiException.invalid(field, "'" + field + "' must be a non-empty string");
        return v;
    }

    static String optionalString(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiException.invalid(field, "'" + field + "' must be a string");
        return v.textValue();
    }

    /** The value if present; it must be one of {@code allowed}. */
    static String oneOf(ObjectNode body, String field, String... allowed) {
        String v = optionalString(body, field);
        if (v != null && !Arrays.asList(allowed).contains(v)) {
            throw ApiException.invalid(field, "'" + v + "' is not a valid value for '" + field + "' (expected one of "
                    + String.join(", ", allowed) + ")");
        }
        return v;
    }

    /** The value if present, else {@code fallback}; it must be an integer in [min, max]. */
    static int integerInRange(ObjectNode body, String field, int min, int max, int fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw ApiException.invalid(field, "'" + field + "' must be an integer from " + min + " to " + max);
        }
        return v.asInt();
    }

    static void integerInRange(ObjectNode body, String field, int min, int max) {
        integerInRange(body, field, min, max, min);
    }

    static boolean optionalBoolean(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw ApiException.invalid(field, "'" + field + "' must be a boolean");
        return v.asBoolean();
    }
}
