package dev.tollgate.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * A fake Gemini API on loopback ({@code POST /v1beta/models/{model}:generateContent} and
 * {@code :streamGenerateContent?alt=sse}). The model in the path picks the scenario file under
 * {@code providers/gemini/}; streams use CRLF line endings as Google's servers do. {@code fail-<status>}
 * answers that status with Google's error body; {@code bad-key} answers a rejected key the way
 * Gemini does: 400 INVALID_ARGUMENT with reason API_KEY_INVALID.
 */
public final class FakeGemini extends FakeUpstream {
    public static final String SECRET_IN_ERRORS = "AIzaSyD-SECRETSECRETSECRETSECRET12345";

    public FakeGemini() {
        super("/v1beta/models/", "gemini");
    }

    public String baseUrl() { return origin() + "/v1beta"; }

    @Override
    protected String lineEnding() { return "\r\n"; }

    @Override
    protected void handle(HttpExchange ex, Received r) throws IOException {
        String target = r.path().substring("/v1beta/models/".length());
        int colon = target.indexOf(':');
        String model = target.substring(0, colon);
        String method = target.substring(colon + 1);
        if (model.equals("bad-key")) {
            json(ex, 400, "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\","
                    + "\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\","
                    + "\"reason\":\"API_KEY_INVALID\",\"domain\":\"googleapis.com\"}]}}");
        } else if (model.startsWith("fail-")) {
            int status = Integer.parseInt(model.substring(5));
            json(ex, status, "{\"error\":{\"code\":" + status + ",\"message\":\"" + message(status)
                    + "\",\"status\":\"" + status(status) + "\"}}");
        } else if (method.equals("streamGenerateContent") && "alt=sse".equals(r.query())) {
            scenarioStream(ex, model);
        } else if (method.equals("generateContent")) {
            scenarioJson(ex, model);
        } else {
            json(ex, 404, notFound(model));
        }
    }

    private static String message(int status) {
        return status == 400 ? "Invalid value at 'contents[0].parts[1].inline_data.data' (TYPE_BYTES), Base64 decoding failed"
                : "upstream trouble for key " + SECRET_IN_ERRORS;
    }

    private static String status(int status) {
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 403 -> "PERMISSION_DENIED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            default -> "INTERNAL";
        };
    }

    @Override
    protected String notFound(String scenario) {
        return "{\"error\":{\"code\":404,\"message\":\"models/" + scenario + " is not found for API version v1beta\",\"status\":\"NOT_FOUND\"}}";
    }
}
