package dev.tollgate.http;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.testing.FuzzProperty;

/**
 * Raw bytes into the one JSON entry point of every endpoint. Regression mode (every test run) replays
 * src/test/resources/dev/tollgate/http/BodiesFuzzTestInputs; JAZZER_FUZZ=1 fuzzes (docs/fuzzing.md).
 */
class BodiesFuzzTest {
    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "/dev/tollgate/fuzz/json.dict")
    void jsonObject(byte[] data) throws Exception {
        if (data.length > FuzzProperty.INPUT_BYTES_MAX) return;
        FuzzProperty.acceptedOrClientError(() -> {
            ObjectNode body = Bodies.jsonObject(data);
            Json.bytes(body); // what is accepted is forwarded: it must serialise again
        });
    }
}
