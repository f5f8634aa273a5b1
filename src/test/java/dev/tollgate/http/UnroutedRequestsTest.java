package dev.tollgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request no route answers is the client's mistake, not the server's: 404 for an unknown path,
 * 405 with Allow for a known path and another method, HEAD answered as GET without a body. Nothing is
 * logged at SEVERE and nothing counts as a 5xx.
 */
class UnroutedRequestsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static FakeOpenAi upstream;
    static TestGateway gw;
    static final List<LogRecord> severe = new CopyOnWriteArrayList<>();
    static final Logger ROOT = Logger.getLogger("");
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.SEVERE.intValue()) severe.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, TestGateway.openAiConfig("ok"), upstream.baseUrl());
        ROOT.addHandler(CAPTURE);
    }

    @AfterAll
    static void stop() {
        ROOT.removeHandler(CAPTURE);
        gw.close();
        upstream.close();
    }

    @AfterEach
    void nothingSevereAndTheServerStillServes() {
        assertThat(severe).extracting(LogRecord::getMessage).isEmpty();
        assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsAre404UnknownUrl() throws Exception {
        for (String[] c : List.of(new String[] {"GET", "/ui/nothing.js"}, new String[] {"GET", "/favicon.ico"}, new String[] {"GET", "/V1/credits"},
                new String[] {"POST", "/v2/x"}, new String[] {"GET", "/v1/nothing-here"}, new String[] {"DELETE", "/admin/nothing"})) {
            HttpResponse<String> res = send(c[0], c[1], gw.key);
            JsonNode e = error(res, 404);
            assertThat(e.path("code").asText()).isEqualTo("unknown_url");
            assertThat(e.path("message").asText()).isEqualTo("Unknown request URL: " + c[0] + " " + c[1]);
        }
    }

    @Test
    void knownPathWithAnotherMethodIs405WithAllow() throws Exception {
        record Case(String method, String path, String allow) {}
        for (Case c : List.of(new Case("GET", "/v1/chat/completions", "POST"), new Case("DELETE", "/health", "GET, HEAD"),
                new Case("POST", "/metrics", "GET, HEAD"), new Case("PUT", "/v1/models", "GET, HEAD"),
                new Case("DELETE", "/admin/accounts", "GET, POST, HEAD"), new Case("PUT", "/admin/keys/key_1", "PATCH, DELETE"),
                new Case("POST", "/v1/credits/history", "GET, HEAD"))) {
            HttpResponse<String> res = send(c.method(), c.path(), gw.key);
            JsonNode e = error(res, 405);
            assertThat(res.headers().firstValue("allow")).as(c.toString()).contains(c.allow());
            assertThat(e.path("code").asText()).isEqualTo("method_not_allowed");
            assertThat(e.path("message").asText()).contains(c.method()).contains(c.path());
        }
    }

    @Test
    void messagesAnswers405InAnthropicsFormat() throws Exception {
        HttpResponse<String> res = send("GET", "/v1/messages", gw.key);
        assertThat(res.statusCode()).isEqualTo(405);
        assertThat(res.headers().firstValue("allow")).contains("POST");
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void headWhereGetExistsIs200WithoutABody() {
        for (String path : List.of("/health", "/metrics", "/v1/models", "/v1/credits")) {
            HttpResponse<String> res = send("HEAD", path, gw.key);
            assertThat(res.statusCode()).as(path).isEqualTo(200);
            assertThat(res.body()).as(path).isEmpty();
            assertThat(res.headers().firstValue("x-request-id")).isPresent();
            assertThat(res.headers().firstValue("content-type")).isPresent();
        }
        // HEAD still authenticates like GET, and an unknown path is a bodiless 404
        assertThat(send("HEAD", "/v1/models", null).statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = send("HEAD", "/nothing", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEmpty();
        HttpResponse<String> postOnly = send("HEAD", "/v1/chat/completions", gw.key);
        assertThat(postOnly.statusCode()).isEqualTo(405);
        assertThat(postOnly.headers().firstValue("allow")).contains("POST");
    }

    @Test
    void noneOfThemCountsAsA5xx() {
        send("GET", "/", null);
        send("HEAD", "/health", null);
        send("GET", "/v1/chat/completions", gw.key);
        String metrics = gw.get("/metrics", null).body();
        assertThat(metrics).contains("tollgate_http_requests_total").doesNotContain("status=\"500\"");
    }

    /** The 404 comes from a fallback, not a catch-all route: a route registered afterwards just works. */
    @Test
    void aRouteAddedLaterWinsOverTheFallback() {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> {
                    TollgateServer.routing(r, gw.gateway, TestGateway.ADMIN_TOKEN);
                    r.get("/later", (req, res) -> res.send("dashboard"));
                })
                .build().start();
        try {
            HttpResponse<String> res = TestGateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/later"))
                    .GET().build());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo("dashboard");
            HttpResponse<String> other = TestGateway.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/favicon.ico")).GET().build());
            assertThat(other.statusCode()).isEqualTo(404);
        } finally {
            server.stop();
        }
    }

    static HttpResponse<String> send(String method, String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return TestGateway.send(b.build());
    }

    static JsonNode error(HttpResponse<String> res, int status) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(res.headers().firstValue("x-request-id")).isPresent();
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.has("param")).isTrue();
        return error;
    }
}
