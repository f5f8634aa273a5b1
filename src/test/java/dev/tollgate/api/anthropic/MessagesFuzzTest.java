package dev.tollgate.api.anthropic;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.http.Bodies;
import dev.tollgate.json.Json;
import dev.tollgate.testing.FuzzProperty;

/** /v1/messages: raw bytes through the Anthropic request's validation and translation to an OpenAI chat request. */
class MessagesFuzzTest {
    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "/dev/tollgate/fuzz/json.dict")
    void translate(byte[] data) throws Exception {
        if (data.length > FuzzProperty.INPUT_BYTES_MAX) return;
        FuzzProperty.acceptedOrClientError(() -> {
            AnthropicRequest request = AnthropicRequest.translate(Bodies.jsonObject(data));
            Json.bytes(request.chat().body());
        });
    }
}
