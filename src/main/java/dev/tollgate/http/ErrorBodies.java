package dev.tollgate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;

/**
 * Error JSON in the two wire formats: OpenAI's {"error":{"message","type","code","param"}} and
 * Anthropic's {"type":"error","error":{"type","message"},"request_id"}. One {@link ApiException}
 * feeds both, so an error is decided once and only its shape depends on the endpoint.
 */
public final class ErrorBodies {
    private ErrorBodies() {}

    public static ObjectNode openAi(ApiException e) {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type());
        error.put("code", e.code());
        if (e.param() == null) error.putNull("param");
        else error.put("param", e.param());
        return root;
    }

    /** Anthropic's shape; the status stays Tollgate's, the type is Anthropic's name for that status. */
    public static ObjectNode anthropic(ApiException e, String requestId) {
        ObjectNode root = Json.object();
        root.put("type", "error");
        ObjectNode error = root.putObject("error");
        error.put("type", anthropicType(e.status()));
        error.put("message", e.getMessage());
        if (requestId != null) root.put("request_id", requestId);
        return root;
    }

    /** Anthropic's error type for a status (docs.claude.com/en/api/errors; 402 and 504 from its SDKs). */
    static String anthropicType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
