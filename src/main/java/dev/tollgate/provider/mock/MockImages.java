package dev.tollgate.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;

/**
 * The mock's images: {@code n} entries (default 1), each a 1×1 PNG as {@code b64_json} or a URL
 * under {@code https://mock.tollgate.invalid/} naming the prompt's hash, with the prompt as
 * {@code revised_prompt}. Deterministic for a given request.
 */
final class MockImages {
    /** A valid 1×1 transparent PNG. */
    static final String PNG_1X1_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    private MockImages() {}

    static ObjectNode answer(JsonNode request, long createdSeconds) {
        int n = request.path("n").canConvertToInt() ? request.path("n").asInt() : 1;
        boolean b64 = "b64_json".equals(request.path("response_format").asText());
        String prompt = request.path("prompt").asText("");
        String hash = Integer.toHexString(prompt.hashCode());
        ObjectNode body = Json.object();
        body.put("created", createdSeconds);
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < n; i++) {
            ObjectNode image = data.addObject();
            if (b64) image.put("b64_json", PNG_1X1_BASE64);
            else image.put("url", "https://mock.tollgate.invalid/images/" + hash + "-" + i + ".png");
            image.put("revised_prompt", prompt);
        }
        return body;
    }

}
