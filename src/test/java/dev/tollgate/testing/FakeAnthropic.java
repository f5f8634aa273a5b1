package dev.tollgate.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * A fake Anthropic Messages API on loopback ({@code POST /v1/messages}). The request's model picks
 * the scenario file under {@code providers/anthropic/}; {@code fail-<status>} answers that HTTP status
 * with Anthropic's error body (a 401 echoes a key-shaped secret, which must never reach a client).
 */
public final class FakeAnthropic extends FakeUpstream {
    public static final String SECRET_IN_ERRORS = "sk-ant-api03-SECRETSECRETSECRET0123456789";

    public FakeAnthropic() {
        super("/v1/messages", "anthropic");
    }

    public String baseUrl() { return origin() + "/v1"; }

    @Override
    protected void handle(HttpExchange ex, Received r) throws IOException {
        String model = r.body().path("model").asText();
        if (r.path().endsWith("/count_tokens")) {
            countTokens(ex, r, model);
        } else if (model.startsWith("fail-")) {
            int status = Integer.parseInt(model.substring(5));
            json(ex, status, error(status));
        } else if (r.body().path("stream").asBoolean(false)) {
            scenarioStream(ex, model);
        } else {
            scenarioJson(ex, model);
        }
    }

    /**
     * {@code POST /v1/messages/count_tokens}: {@value #COUNT_TOKENS_BASE} plus the bytes of the request's
     * messages, so a test can tell the provider's count from the gateway's; {@code fail-*} fails as above.
     */
    private void countTokens(HttpExchange ex, Received r, String model) throws IOException {
        if (model.startsWith("fail-")) {
            int status = Integer.parseInt(model.substring(5));
            json(ex, status, error(status));
            return;
        }
        json(ex, 200, "{\"input_tokens\":" + countTokensFor(r.body()) + "}");
    }

    public static final int COUNT_TOKENS_BASE = 1000;

    /** What this fake's count_tokens answers for {@code body}. */
    public static long countTokensFor(com.fasterxml.jackson.databind.JsonNode body) {
        return COUNT_TOKENS_BASE + body.path("messages").toString().length();
    }

    private static String error(int status) {
        String type = switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> "api_error";
        };
        String message = switch (status) {
            case 400 -> "messages.1.content.0.image.source.base64.data: invalid base64 data";
            case 401 -> "invalid x-api-key " + SECRET_IN_ERRORS;
            default -> "upstream trouble " + SECRET_IN_ERRORS;
        };
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"},\"request_id\":\"req_011\"}";
    }

    @Override
    protected String notFound(String scenario) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model: " + scenario + "\"}}";
    }
}
