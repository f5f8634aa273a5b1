package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error row of CONTRACT §4 that the core owns: status, OpenAI error JSON, and nothing leaked. */
@ParameterizedClass(name = "upstream_client={0}")
@ValueSource(strings = {"lean", "jdk", "helidon"})
class ErrorContractTest {
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
        gw = TestGateway.start(dir, TestGateway.openAiConfigWith(upstreamClient, "ok", "fail-500", "fail-429", "bad-request", "provider-auth",
                "garbage", "hang", "cut-before-first", "cut-after-2", "no-done", "error-event"), upstream.baseUrl());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        gw.close();
        upstream.close();
    }

    /** After every error the server still answers normally. */
    @AfterEach
    void serverSurvives() {
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        JsonNode e = error(gw.post("/v1/chat/completions", "{\"model\":\"ok\",", gw.key), 400, "invalid_request_error");
        assertThat(e.path("message").asText()).contains("not valid JSON");
    }

    @Test
    void trailingGarbageAfterJsonIs400() throws Exception {
        error(gw.post("/v1/chat/completions", TestGateway.chat("ok", false) + " trailing", gw.key), 400, "invalid_request_error");
    }

    @Test
    void missingMessagesIs400NamingTheParam() throws Exception {
        JsonNode e = error(gw.post("/v1/chat/completions", "{\"model\":\"ok\"}", gw.key), 400, "invalid_request_error");
        assertThat(e.path("param").asText()).isEqualTo("messages");
        assertThat(e.path("message").asText()).contains("messages");
    }

    @Test
    void wrongTypesAre400NamingTheParam() throws Exception {
        record Case(String body, String param) {}
        for (Case c : List.of(
                new Case("{\"model\":\"ok\",\"messages\":\"hi\"}", "messages"),
                new Case("{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model"),
                new Case("{\"model\":\"ok\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "messages[0].role"),
                new Case("{\"model\":\"ok\",\"messages\":[{\"role\":\"user\",\"content\":7}]}", "messages[0].content"),
                new Case("{\"model\":\"ok\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "stream"),
                new Case("{\"model\":\"ok\",\"max_tokens\":-5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens"),
                new Case("{\"model\":\"ok\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "temperature"),
                new Case("{\"model\":\"ok\",\"messages\":[]}", "messages"),
                new Case("[1,2]", null))) {
            JsonNode e = error(gw.post("/v1/chat/completions", c.body, gw.key), 400, "invalid_request_error");
            if (c.param != null) assertThat(e.path("param").asText()).as(c.body).isEqualTo(c.param);
        }
    }

    @Test
    void unknownModelIs404ModelNotFound() throws Exception {
        JsonNode e = error(gw.post("/v1/chat/completions", TestGateway.chat("gpt-17", false), gw.key), 404, "invalid_request_error");
        assertThat(e.path("code").asText()).isEqualTo("model_not_found");
        assertThat(e.path("message").asText()).contains("gpt-17");
    }

    @Test
    void missingBadAndRevokedKeysAre401() throws Exception {
        error(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), null), 401, "authentication_error");
        error(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), "tg-" + "x".repeat(43)), 401, "authentication_error");
        error(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), "not-a-key"), 401, "authentication_error");
        String doomed = gw.gateway.accounts().createKey(gw.accountId, "doomed", null, null).secret();
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), doomed).statusCode()).isEqualTo(200);
        String keyId = gw.gateway.accounts().withKeys(gw.accountId).orElseThrow().keys().stream()
                .filter(k -> "doomed".equals(k.name())).findFirst().orElseThrow().id();
        assertThat(gw.delete("/admin/keys/" + keyId, TestGateway.ADMIN_TOKEN).statusCode()).isEqualTo(204);
        error(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), doomed), 401, "authentication_error");
    }

    @Test
    void xApiKeyHeaderAuthenticatesToo() {
        HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/models")).header("x-api-key", gw.key).GET().build();
        assertThat(TestGateway.send(req).statusCode()).isEqualTo(200);
    }

    @Test
    void bodyOverFourMebibytesIs413() throws Exception {
        String huge = "{\"model\":\"ok\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(4 * 1024 * 1024) + "\"}]}";
        error(gw.post("/v1/chat/completions", huge, gw.key), 413, "invalid_request_error");
    }

    @Test
    void upstream5xxIs502WithoutUpstreamDetails() throws Exception {
        JsonNode e = error(gw.post("/v1/chat/completions", TestGateway.chat("fail-500", false), gw.key), 502, "upstream_error");
        assertThat(e.path("message").asText()).contains("HTTP 500").doesNotContain("boom");
        error(gw.post("/v1/chat/completions", TestGateway.chat("fail-500", true), gw.key), 502, "upstream_error");
    }

    @Test
    void upstream429OnTheOnlyCandidateIs429RateLimitExceeded() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("fail-429", false), gw.key);
        error(res, 429, "rate_limit_exceeded");
        assertThat(res.headers().firstValue("retry-after")).as("no pause named upstream: 1 s").hasValue("1");
    }

    @Test
    void upstream400PassesTheProviderMessage() throws Exception {
        JsonNode e = error(gw.post("/v1/chat/completions", TestGateway.chat("bad-request", false), gw.key), 400, "invalid_request_error");
        assertThat(e.path("message").asText()).contains("max_tokens is too large");
    }

    @Test
    void rejectedProviderKeyIs502AndNeverShowsAKey() throws Exception {
        HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat("provider-auth", false), gw.key);
        JsonNode e = error(res, 502, "upstream_error");
        assertThat(e.path("message").asText()).contains("provider key");
        assertThat(res.body()).doesNotContain(FakeOpenAi.SECRET_IN_ERRORS).doesNotContain("sk-test-provider-key");
    }

    @Test
    void upstreamTimeoutIs504() throws Exception {
        long start = System.nanoTime();
        error(gw.post("/v1/chat/completions", TestGateway.chat("hang", false), gw.key), 504, "upstream_error");
        assertThat((System.nanoTime() - start) / 1_000_000).as("bounded by upstream_timeout_ms=2000").isLessThan(10_000);
        error(gw.post("/v1/chat/completions", TestGateway.chat("hang", true), gw.key), 504, "upstream_error");
    }

    @Test
    void garbageFromUpstreamIs502() throws Exception {
        JsonNode e = error(gw.post("/v1/chat/completions", TestGateway.chat("garbage", false), gw.key), 502, "upstream_error");
        assertThat(e.path("message").asText()).contains("not a chat completion");
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("garbage", false), gw.key).body()).doesNotContain("<html>");
    }

    @Test
    void streamCutBeforeTheFirstChunkIs502() throws Exception {
        error(gw.post("/v1/chat/completions", TestGateway.chat("cut-before-first", true), gw.key), 502, "upstream_error");
    }

    @Test
    void streamCutAfterChunksEndsWithAnInBandErrorAndNoDone() throws Exception {
        for (String model : List.of("cut-after-2", "no-done", "error-event")) {
            HttpResponse<String> res = gw.post("/v1/chat/completions", TestGateway.chat(model, true), gw.key);
            assertThat(res.statusCode()).as(model).isEqualTo(200); // headers were already sent
            List<String> events = dev.tollgate.testing.Sse.events(res.body());
            assertThat(events).as(model).doesNotContain("[DONE]");
            JsonNode last = JSON.readTree(events.get(events.size() - 1));
            assertThat(last.path("error").path("type").asText()).as(model).isEqualTo("upstream_error");
            assertThat(res.body()).doesNotContain(FakeOpenAi.SECRET_IN_ERRORS);
        }
    }

    @Test
    void unknownPathIsJson404() throws Exception {
        error(gw.get("/v1/nothing-here", gw.key), 404, "invalid_request_error");
    }

    static JsonNode error(HttpResponse<String> res, int status, String type) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(res.headers().firstValue("x-request-id")).isPresent();
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo(type);
        assertThat(error.has("message") && error.has("code") && error.has("param")).isTrue();
        assertThat(res.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return error;
    }
}
