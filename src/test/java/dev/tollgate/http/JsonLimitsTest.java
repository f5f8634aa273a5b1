package dev.tollgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON past Jackson's StreamReadConstraints is the client's mistake: 400 invalid_request_error naming
 * the limit, on every endpoint that reads a body, in that endpoint's error format — never a 500.
 */
class JsonLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static FakeOpenAi upstream;
    static TestGateway gw;

    record Limit(String body, String named) {}

    static final List<Limit> LIMITS = List.of(
            new Limit("{\"a\":" + "[".repeat(1500) + "]".repeat(1500) + "}", "nesting depth"),
            new Limit("{\"model\":\"ok\",\"n\":" + "9".repeat(5000) + "}", "Number value length"),
            new Limit("{\"" + "k".repeat(60_000) + "\":1}", "Name length"));

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok"), upstream.baseUrl());
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    @Test
    void everyBodyEndpointAnswers400NamingTheLimitThenServesNormally() throws Exception {
        String account = "/admin/accounts/" + gw.accountId;
        record Endpoint(String path, String bearer) {}
        List<Endpoint> endpoints = List.of(new Endpoint("/v1/chat/completions", gw.key), new Endpoint("/v1/embeddings", gw.key),
                new Endpoint("/v1/images/generations", gw.key), new Endpoint("/v1/estimate", gw.key),
                new Endpoint("/admin/accounts", TestGateway.ADMIN_TOKEN), new Endpoint(account + "/keys", TestGateway.ADMIN_TOKEN),
                new Endpoint(account + "/credits", TestGateway.ADMIN_TOKEN));
        for (Endpoint e : endpoints) {
            for (Limit limit : LIMITS) {
                HttpResponse<String> res = gw.post(e.path(), limit.body(), e.bearer());
                JsonNode error = openAiError(res, e.path());
                assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
                assertThat(error.path("message").asText()).as(e.path())
                        .startsWith("Request body exceeds a JSON limit").contains(limit.named()).doesNotContain("StreamReadConstraints");
            }
        }
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
    }

    @Test
    void messagesAnswersInAnthropicsErrorFormat() throws Exception {
        for (Limit limit : LIMITS) {
            HttpResponse<String> res = gw.post("/v1/messages", limit.body(), gw.key);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
            JsonNode body = JSON.readTree(res.body());
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(body.path("error").path("message").asText()).contains(limit.named());
            assertThat(body.path("request_id").asText()).isEqualTo(res.headers().firstValue("x-request-id").orElseThrow());
        }
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
    }

    @Test
    void justUnderTheNestingLimitIsStillAValidationAnswerNotAServerError() throws Exception {
        String deep = "{\"model\":\"ok\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":"
                + "[".repeat(990) + "]".repeat(990) + "}";
        int status = gw.post("/v1/estimate", deep, gw.key).statusCode();
        assertThat(status).isLessThan(500);
    }

    /** Found by BodiesFuzzTest: bytes Jackson's encoding detection reads as UTF-32 and that end mid-character. */
    @Test
    void undecodableBytesAre400NotA500() throws Exception {
        byte[] body = {(byte) 0xf0, 0, 0, 0, 0, 0, 0};
        java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + gw.key).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
        JsonNode error = openAiError(TestGateway.send(req), "UTF-32 fragment");
        assertThat(error.path("message").asText()).startsWith("Request body is not valid JSON");
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
    }

    static JsonNode openAiError(HttpResponse<String> res, String what) throws Exception {
        assertThat(res.statusCode()).as(what + ": " + res.body()).isEqualTo(400);
        assertThat(res.headers().firstValue("x-request-id")).isPresent();
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(res.body()).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.has("message") && error.has("type") && error.has("code") && error.has("param")).isTrue();
        return error;
    }
}
