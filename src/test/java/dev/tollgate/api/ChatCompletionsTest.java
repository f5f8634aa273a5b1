package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import static dev.tollgate.testing.Sse.events;
import dev.tollgate.testing.TestGateway;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat completions end to end: client → real server → OpenAI adapter → fake upstream on loopback. */
@ParameterizedClass(name = "upstream_client={0}")
@ValueSource(strings = {"lean", "jdk", "helidon"})
class ChatCompletionsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static FakeOpenAi upstream;
    static TestGateway gw;

    /** Which {@code server.upstream_client} this run exercises; each must pass every test. */
    @org.junit.jupiter.params.Parameter
    String upstreamClientUnderTest;

    @BeforeParameterizedClassInvocation
    static void start(String upstreamClient) throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, TestGateway.openAiConfigWith(upstreamClient, "ok", "gated", "fail-500") + """
                aliases:
                  resilient: [fail-500, ok]
                """, upstream.baseUrl());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        gw.close();
        upstream.close();
    }

    @Test
    void plainChatReturnsTheProviderAnswerWithGatewayHeaders() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions",
                "{\"model\":\"ok\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0.2,\"seed\":7}", gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello from fake");
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(15);
        assertThat(body.path("system_fingerprint").asText()).isEqualTo("fp_test"); // unknown fields survive
        assertThat(res.headers().firstValue("x-request-id")).isPresent();
        assertThat(res.headers().firstValue("x-tollgate-provider")).contains("fake");
        assertThat(res.headers().firstValue("x-tollgate-model")).contains("ok");
        JsonNode sent = upstream.requests.get(upstream.requests.size() - 1);
        assertThat(sent.path("seed").asInt()).as("unknown request fields pass through").isEqualTo(7);
        assertThat(upstream.authorizations.get(upstream.authorizations.size() - 1)).isEqualTo("Bearer sk-test-provider-key-1234567890");
    }

    @Test
    void callerRequestIdIsEchoed() {
        HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/models"))
                .header("Authorization", "Bearer " + gw.key).header("x-request-id", "my-trace-42").GET().build();
        assertThat(TestGateway.send(req).headers().firstValue("x-request-id")).contains("my-trace-42");
    }

    @Test
    void streamingPassesChunksThroughAndEndsWithDone() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("ok", true), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> events = events(res.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(String.join("", contents(events))).isEqualTo("Hello from fake");
        assertThat(events).noneMatch(e -> e.contains("\"usage\":{")); // client did not ask for usage
        JsonNode sent = upstream.requests.get(upstream.requests.size() - 1);
        assertThat(sent.path("stream_options").path("include_usage").asBoolean())
                .as("usage is always requested upstream").isTrue();
    }

    @Test
    void streamingIncludesUsageWhenAsked() throws Exception {
        String body = "{\"model\":\"ok\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<String> events = events(gw.post("/v1/chat/completions", body, gw.key).body());
        assertThat(events).last().isEqualTo("[DONE]");
        JsonNode usageChunk = JSON.readTree(events.get(events.size() - 2));
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
    }

    /** The first chunk reaches the client while the upstream is still holding back the rest. */
    @Test
    void streamingIsNotBuffered() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + gw.key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TestGateway.chat("gated", true))).build();
        HttpResponse<InputStream> res = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            String first = reader.readLine();
            assertThat(first).startsWith("data: ").contains("\"role\":\"assistant\"");
            assertThat(upstream.gate.getCount()).as("upstream still waits: nothing after the first chunk was sent").isEqualTo(1);
            upstream.gate.countDown();
            StringBuilder rest = new StringBuilder();
            for (String line; (line = reader.readLine()) != null; ) rest.append(line).append('\n');
            assertThat(rest.toString()).contains("Hello").endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void aliasFallsOverToTheNextCandidateBeforeTheFirstByte() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("resilient", false), gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-model")).contains("ok");
        HttpResponse<String> streamed = gw.post("/v1/chat/completions", TestGateway.chat("resilient", true), gw.key);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("x-tollgate-model")).contains("ok");
        assertThat(events(streamed.body())).last().isEqualTo("[DONE]");
    }

    @Test
    void requestLevelModelsListIsAFallbackChainAndIsNotForwarded() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", "{\"models\":[\"fail-500\",\"ok\"],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-tollgate-model")).contains("ok");
        assertThat(upstream.requests.get(upstream.requests.size() - 1).has("models")).isFalse();
    }

    @Test
    void modelsListsModelsAndAliases() throws Exception {
        HttpResponse<String> res = gw.get("/v1/models", gw.key);
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        body.path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).containsExactly("ok", "gated", "fail-500", "resilient");
        assertThat(body.path("data").get(0).path("object").asText()).isEqualTo("model");
    }

    @Test
    void healthNeedsNoKey() {
        HttpResponse<String> res = gw.get("/health", null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(res.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void metricsCountRequests() {
        gw.get("/health", null);
        HttpResponse<String> res = gw.get("/metrics", null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("tollgate_http_requests_total{path=\"/health\",status=\"200\"}");
    }

    static List<String> contents(List<String> events) throws Exception {
        List<String> out = new ArrayList<>();
        for (String e : events) {
            if (e.equals("[DONE]")) continue;
            JsonNode choices = JSON.readTree(e).path("choices");
            if (!choices.isEmpty()) out.add(choices.get(0).path("delta").path("content").asText(""));
        }
        return out;
    }
}
