package dev.tollgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ConfigException;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CORS: preflights on /v1/* answered before routing; Allow-* headers only for configured origins; none by default. */
class CorsTest {
    static final String MODELS = """
            providers:
              - { name: mock, type: mock }
            models:
              - { name: mock-small, provider: mock, price: free }
            """;
    static final String APP = "https://app.example.com";

    @TempDir
    Path dir;

    static HttpResponse<String> preflight(TestGateway gw, String path, String origin) {
        return TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").build());
    }

    static HttpResponse<String> get(TestGateway gw, String path, String origin, String bearer) {
        return TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).GET()
                .header("Origin", origin).header("Authorization", "Bearer " + bearer).build());
    }

    @Test
    void allowedOriginsGetPreflightAndResponseHeadersOthersNone() {
        try (TestGateway gw = TestGateway.start(dir, "server: { cors: { allowed_origins: [\"" + APP + "\"] } }\n" + MODELS, null)) {
            HttpResponse<String> ok = preflight(gw, "/v1/chat/completions", APP);
            assertThat(ok.statusCode()).isEqualTo(204);
            assertThat(ok.headers().firstValue("access-control-allow-origin")).hasValue(APP);
            assertThat(ok.headers().firstValue("access-control-allow-methods").orElseThrow()).contains("POST");
            assertThat(ok.headers().firstValue("access-control-allow-headers")).hasValue("authorization, content-type");

            HttpResponse<String> evil = preflight(gw, "/v1/chat/completions", "https://evil.example");
            assertThat(evil.statusCode()).isEqualTo(204);
            assertThat(evil.headers().map().keySet()).noneMatch(h -> h.startsWith("access-control-allow"));

            HttpResponse<String> models = get(gw, "/v1/models", APP, gw.key);
            assertThat(models.statusCode()).isEqualTo(200);
            assertThat(models.headers().firstValue("access-control-allow-origin")).hasValue(APP);
            assertThat(models.headers().firstValue("access-control-expose-headers").orElseThrow()).contains("x-tollgate-cost");
            assertThat(get(gw, "/v1/models", "https://evil.example", gw.key).headers().firstValue("access-control-allow-origin")).isEmpty();
            HttpResponse<String> admin = get(gw, "/admin/accounts/" + gw.accountId, APP, TestGateway.ADMIN_TOKEN);
            assertThat(admin.headers().firstValue("access-control-allow-origin")).as("never for admin").isEmpty();
        }
    }

    @Test
    void nothingIsAllowedByDefault() {
        try (TestGateway gw = TestGateway.start(dir, MODELS, null)) {
            HttpResponse<String> res = preflight(gw, "/v1/chat/completions", APP);
            assertThat(res.statusCode()).as("answered, not 405").isEqualTo(204);
            assertThat(res.headers().map().keySet()).noneMatch(h -> h.startsWith("access-control-allow"));
            assertThat(get(gw, "/v1/models", APP, gw.key).headers().firstValue("access-control-allow-origin")).isEmpty();
            HttpResponse<String> plainOptions = TestGateway.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/models"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
            assertThat(plainOptions.statusCode()).as("not a preflight: the route fallback answers").isEqualTo(405);
        }
    }

    @Test
    void anOriginWithAPathIsAConfigError() {
        assertThatThrownBy(() -> TestGateway.start(dir, "server: { cors: { allowed_origins: [\"https://a.example/app\"] } }\n" + MODELS, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.cors.allowed_origins[0]");
    }
}
