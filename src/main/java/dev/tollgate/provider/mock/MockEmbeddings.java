package dev.tollgate.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The mock's embeddings: each input gets a unit vector of {@value #DIMENSIONS} floats (or the
 * request's {@code dimensions}) derived from the SHA-256 of its text, so equal inputs embed equally.
 * Prompt tokens: ⌈UTF-8 bytes / 4⌉ per string, the length of each token array.
 */
final class MockEmbeddings {
    static final int DIMENSIONS = 16;

    private MockEmbeddings() {}

    static ObjectNode answer(JsonNode request, String upstreamModel) {
        int dimensions = request.path("dimensions").canConvertToInt() ? request.path("dimensions").asInt() : DIMENSIONS;
        boolean base64 = "base64".equals(request.path("encoding_format").asText());
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        long promptTokens = 0;
        List<String> inputs = inputs(request.path("input"));
        for (int i = 0; i < inputs.size(); i++) {
            String text = inputs.get(i);
            float[] vector = vector(text, dimensions);
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                item.put("embedding", base64(vector));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) values.add(v);
            }
            promptTokens += tokens(request.path("input"), i, text);
        }
        body.put("model", upstreamModel);
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("total_tokens", promptTokens);
        return body;
    }

    /** Every input as text: a string as is, a token array as its JSON. */
    private static List<String> inputs(JsonNode input) {
        List<String> out = new ArrayList<>();
        if (input.isTextual()) out.add(input.textValue());
        else if (input.isArray() && !input.isEmpty() && input.get(0).isNumber()) out.add(input.toString());
        else input.forEach(item -> out.add(item.isTextual() ? item.textValue() : item.toString()));
        return out;
    }

    private static long tokens(JsonNode input, int index, String text) {
        if (input.isArray() && !input.isEmpty() && input.get(0).isNumber()) return input.size();
        JsonNode item = input.isArray() ? input.get(index) : input;
        if (item.isArray()) return item.size();
        return (text.getBytes(StandardCharsets.UTF_8).length + 3) / 4;
    }

    static float[] vector(String text, int dimensions) {
        float[] v = new float[dimensions];
        byte[] seed = text.getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[0];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            if (i % 32 == 0) block = sha256(seed, i / 32);
            v[i] = ((block[i % 32] & 0xff) - 127.5f) / 127.5f;
            norm += (double) v[i] * v[i];
        }
        float scale = norm == 0 ? 1 : (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) v[i] *= scale;
        return v;
    }

    private static String base64(float[] vector) {
        ByteBuffer buf = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : vector) buf.putFloat(f);
        return Base64.getEncoder().encodeToString(buf.array());
    }

    private static byte[] sha256(byte[] seed, int counter) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(seed);
            md.update((byte) counter);
            md.update((byte) (counter >>> 8));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }
}
