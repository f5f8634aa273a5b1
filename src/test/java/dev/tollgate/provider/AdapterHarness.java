package dev.tollgate.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.TollgateConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small helpers for adapter wire-format tests: configs, requests, golden files and collected streams. */
public final class AdapterHarness {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final TollgateConfig.Server SERVER = new TollgateConfig.Server(4L << 20, 2_000, 5_000, 2_000, 0,
            dev.tollgate.testing.TestGateway.UPSTREAM_CLIENT);

    private AdapterHarness() {}

    public static TollgateConfig.Provider provider(String type, String baseUrl, String apiKey, Map<String, String> headers) {
        return new TollgateConfig.Provider(type + "-test", type, baseUrl, apiKey, null, null, 0, 0, headers);
    }

    /** A call with the OpenAI body {@code json}, as the gateway makes it (model set, usage asked for streams). */
    public static ChatCall call(String model, String json, boolean stream) {
        ObjectNode body = (ObjectNode) parse(json);
        body.put("model", model);
        if (stream) {
            body.put("stream", true);
            body.withObjectProperty("stream_options").put("include_usage", true);
        }
        return new ChatCall("req-test", model, body, stream);
    }

    public static ChatCall hello(String model, boolean stream) {
        return call(model, "{\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}", stream);
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode golden(String path) {
        try (InputStream in = AdapterHarness.class.getResourceAsStream("/providers/" + path)) {
            if (in == null) throw new IllegalArgumentException("no golden file " + path);
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every chunk a stream produced, and what it threw, if anything. */
    public record Collected(List<StreamChunk> chunks, ProviderException failure) {
        public List<JsonNode> json() {
            return chunks.stream().map(c -> parse(new String(c.json(), java.nio.charset.StandardCharsets.UTF_8))).toList();
        }

        public String text() {
            StringBuilder sb = new StringBuilder();
            json().forEach(j -> j.path("choices").forEach(c -> sb.append(c.path("delta").path("content").asText(""))));
            return sb.toString();
        }
    }

    public static Collected collect(ChatProvider provider, ChatCall call) {
        List<StreamChunk> chunks = new ArrayList<>();
        try {
            provider.stream(call, chunks::add);
            return new Collected(chunks, null);
        } catch (ProviderException e) {
            return new Collected(chunks, e);
        }
    }
}
