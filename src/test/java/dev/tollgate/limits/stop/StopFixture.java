package dev.tollgate.limits.stop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What the emergency-stop tests share: the config, admin calls, and a stream read while it runs. */
final class StopFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private StopFixture() {}

    /**
     * Two providers on the fake upstream: {@code fake} serves every model, {@code backup} serves
     * {@code ok-backup}; alias {@code both} = [ok, ok-backup]. The idle timeout is long, so a stalled
     * stream that ends quickly was ended by the stop, not by the idle watchdog.
     */
    static String config(String upstreamClient) {
        return """
                server:
                  upstream_client: CLIENT
                  upstream_timeout_ms: 5000
                  stream_idle_timeout_ms: 30000
                providers:
                  - { name: fake, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                  - { name: backup, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-0987654321 }
                models:
                  - { name: ok, provider: fake, price: { input: 1, output: 2 } }
                  - { name: gated, provider: fake, price: { input: 1, output: 2 } }
                  - { name: stall-after-2, provider: fake, price: { input: 1, output: 2 } }
                  - { name: ok-backup, provider: backup, upstream: ok, price: { input: 1, output: 2 } }
                  - { name: embed, provider: fake, upstream: ok, price: { input: 1, output: 0 } }
                  - { name: painter, provider: fake, upstream: ok, price: { image: { "1024x1024": 0.002 } } }
                aliases:
                  both: [ok, ok-backup]
                """.replace("CLIENT", upstreamClient);
    }

    static JsonNode createStop(TestGateway gw, String scope, String id, String reason) throws IOException {
        String body = "{\"scope\":\"" + scope + "\"" + (id == null ? "" : ",\"id\":\"" + id + "\"")
                + ",\"reason\":\"" + reason + "\"}";
        HttpResponse<String> res = gw.post("/admin/emergency-stop", body, TestGateway.ADMIN_TOKEN);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        return JSON.readTree(res.body());
    }

    static void release(TestGateway gw, String id) {
        HttpResponse<String> res = gw.delete("/admin/emergency-stop/" + id, TestGateway.ADMIN_TOKEN);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(204);
    }

    static JsonNode error(HttpResponse<String> res) throws IOException {
        return JSON.readTree(res.body()).path("error");
    }

    /** A streamed chat request whose body is read by the test while the gateway writes it. */
    static final class OpenStream {
        final InputStream in;
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        OpenStream(TestGateway gw, String path, String body, String key) throws Exception {
            HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .header("anthropic-version", "2023-06-01")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<InputStream> res = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(res.statusCode()).isEqualTo(200);
            in = res.body();
        }

        /** Reads until {@code marker} arrived (the stream is mid-answer), at most 10 s. */
        void readUntil(String marker) throws Exception {
            CompletableFuture.runAsync(() -> {
                byte[] buf = new byte[256];
                try {
                    while (!text().contains(marker)) {
                        int n = in.read(buf);
                        if (n < 0) throw new IllegalStateException("stream ended before '" + marker + "': " + text());
                        seen.write(buf, 0, n);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(10, TimeUnit.SECONDS);
        }

        /** Reads to the end in the background; {@link #endedWithin} waits for it. */
        void readToEndInBackground() {
            reader = CompletableFuture.runAsync(() -> {
                try {
                    in.transferTo(seen);
                    endedAtNanos = System.nanoTime();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        private CompletableFuture<Void> reader;
        private volatile long endedAtNanos;

        /**
         * Waits (at most 5 s) for the end of the stream and returns the ms from {@code sinceNanos} to it
         * (negative when it ended before then).
         */
        long msUntilEnd(long sinceNanos) throws Exception {
            reader.get(5, TimeUnit.SECONDS);
            return (endedAtNanos - sinceNanos) / 1_000_000;
        }

        /** Reads to the end; fails if the end does not come within {@code timeout}. */
        String readToEnd(Duration timeout) throws Exception {
            if (reader == null) readToEndInBackground();
            reader.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return text();
        }

        String text() { return seen.toString(StandardCharsets.UTF_8); }
    }
}
