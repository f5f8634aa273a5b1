package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.http.ApiException;
import dev.tollgate.routing.auto.TaskType;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * The task type a caller declares for a chat request: the body's {@code task} field (taken out before
 * the body is forwarded: it is Tollgate's, not the provider's), else the {@code x-tollgate-task}
 * header. One of {@link TollgateConfig.Auto#TASK_TYPES}; anything else is a 400. {@code model: auto}
 * routes by it instead of the analyser's guess, and usage analytics record it.
 */
final class DeclaredTask {
    static final HeaderName HEADER = HeaderNames.create("x-tollgate-task");

    private DeclaredTask() {}

    /** The declared task, or null when the request declares none. */
    static TaskType take(ServerRequest req, ObjectNode body) {
        JsonNode field = body.remove("task");
        if (field != null && !field.isNull()) {
            if (!field.isTextual()) throw invalid("task", "'task' must be a string");
            return parse("task", field.asText());
        }
        String header = req.headers().first(HEADER).orElse(null);
        return header == null || header.isBlank() ? null : parse(HEADER.defaultCase(), header.trim());
    }

    /** The declared task without taking it out of the body (null when none or not valid). */
    static TaskType peek(ServerRequest req, ObjectNode body) {
        JsonNode field = body.get("task");
        String name = field != null && field.isTextual() ? field.asText() : req.headers().first(HEADER).orElse(null);
        return name != null && TollgateConfig.Auto.TASK_TYPES.contains(name.trim()) ? TaskType.fromWireName(name.trim()) : null;
    }

    private static TaskType parse(String where, String name) {
        if (!TollgateConfig.Auto.TASK_TYPES.contains(name)) {
            throw invalid(where, "'" + where + "' must be one of " + String.join(", ", TollgateConfig.Auto.TASK_TYPES)
                    + ", got '" + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'");
        }
        return TaskType.fromWireName(name);
    }

    private static ApiException invalid(String param, String message) {
        return ApiException.invalid(param, message);
    }
}
