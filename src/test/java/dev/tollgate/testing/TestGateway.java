package dev.tollgate.testing;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.http.TollgateServer;
import dev.tollgate.routing.health.Backoff;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The real server on a free loopback port, on a real store, with one funded account and key.
 * Config is real YAML written to a file and loaded like {@code serve} does.
 */
public final class TestGateway implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    /** The test account's starting balance: 1,000 credits. */
    public static final long FUNDING_MICROS = 1_000_000_000L;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public final Gateway gateway;
    public final WebServer server;
    public final String accountId;
    public final String key;

    private TestGateway(Gateway gateway, WebServer server, String accountId, String key) {
        this.gateway = gateway;
        this.server = server;
        this.accountId = accountId;
        this.key = key;
    }

    /** @param yaml config text; {@code ${UPSTREAM}} is replaced by {@code upstreamBaseUrl} */
    public static TestGateway start(Path dir, String yaml, String upstreamBaseUrl) {
        return start(dir, yaml, upstreamBaseUrl, "jdbc:sqlite:" + dir.resolve("tollgate.db"));
    }

    public static TestGateway start(Path dir, String yaml, String upstreamBaseUrl, String storeUrl) {
        return start(dir, yaml, upstreamBaseUrl, storeUrl, Clock.systemUTC(), Backoff.Sleeper.REAL);
    }

    /** Like {@link #start(Path, String, String)} on the given clock (budgets, month boundaries). */
    public static TestGateway start(Path dir, String yaml, String upstreamBaseUrl, Clock clock) {
        return start(dir, yaml, upstreamBaseUrl, "jdbc:sqlite:" + dir.resolve("tollgate.db"), clock, Backoff.Sleeper.REAL);
    }

    /** With an injected clock (breakers, rpm buckets, budgets, ledger) and retry-backoff sleeper. */
    public static TestGateway start(Path dir, String yaml, String upstreamBaseUrl, String storeUrl, Clock clock,
                                    Backoff.Sleeper sleeper) {
        try {
            Path file = dir.resolve("tollgate.yaml");
            Files.writeString(file, yaml);
            Map<String, String> env = upstreamBaseUrl == null ? Map.of() : Map.of("UPSTREAM", upstreamBaseUrl);
            TollgateConfig config = new ConfigLoader(env).load(file);
            Gateway gateway = Gateway.open(config, storeUrl, clock, sleeper);
            WebServer server = TollgateServer.start(gateway, "127.0.0.1", 0, ADMIN_TOKEN);
            // names are unique, and a test may start a gateway twice on one store
            String name = "test-account-" + java.util.UUID.randomUUID().toString().substring(0, 8);
            String accountId = gateway.accounts().create(name, null).id();
            gateway.ledger().grant("test-funding:" + accountId, accountId, FUNDING_MICROS, "test funding");
            String key = gateway.accounts().createKey(accountId, "test", null, null).secret();
            return new TestGateway(gateway, server, accountId, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A config with one OpenAI-compatible provider at ${UPSTREAM} and the given public=upstream models. */
    public static String openAiConfig(String... models) {
        return openAiConfigWith(UPSTREAM_CLIENT, models);
    }

    /**
     * The {@code server.upstream_client} of {@link #openAiConfig} and {@code AdapterHarness.SERVER}: the product's
     * default ({@code lean}), unless {@code -Dtollgate.test.upstream_client=helidon|jdk} runs those tests on another.
     * Tests that write their whole YAML get the product's default.
     */
    public static final String UPSTREAM_CLIENT = System.getProperty("tollgate.test.upstream_client", "lean");

    /** Like {@link #openAiConfig} with the given {@code server.upstream_client}. */
    public static String openAiConfigWith(String upstreamClient, String... models) {
        StringBuilder yaml = new StringBuilder("server:\n  upstream_client: " + upstreamClient + "\n" + """
                  upstream_timeout_ms: 2000
                  stream_idle_timeout_ms: 1000
                providers:
                  - name: fake
                    type: openai
                    base_url: ${UPSTREAM}
                    api_key: sk-test-provider-key-1234567890
                models:
                """);
        for (String m : models) {
            yaml.append("  - { name: ").append(m).append(", provider: fake, price: { input: 1, output: 2 } }\n");
        }
        return yaml.toString();
    }

    public String baseUrl() { return "http://127.0.0.1:" + server.port(); }

    public HttpResponse<String> post(String path, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return send(b.build());
    }

    public HttpResponse<String> patch(String path, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return send(b.build());
    }

    public HttpResponse<String> get(String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20)).GET();
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return send(b.build());
    }

    public HttpResponse<String> delete(String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20)).DELETE();
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return send(b.build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    @Override
    public void close() {
        server.stop();
        gateway.close();
    }
}
