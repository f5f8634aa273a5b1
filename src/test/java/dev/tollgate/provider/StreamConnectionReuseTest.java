package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.openai.OpenAiProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An OpenAI stream ends at {@code data: [DONE]}, a little before its HTTP body does. The adapter must read on to
 * the body's end so that the upstream connection is kept for the next call (a closed one costs every stream a new
 * TCP and TLS handshake), without ever waiting long for an upstream that does not end its body.
 */
class StreamConnectionReuseTest {
    private static final String EVENTS = """
            data: {"id":"c","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: {"id":"c","object":"chat.completion.chunk","created":0,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}

            data: [DONE]

            """;

    /** A chunked SSE upstream that records the client port of every request (one port: one connection). */
    private static final class Upstream implements AutoCloseable {
        final HttpServer server;
        final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        final CountDownLatch release = new CountDownLatch(1);
        final boolean holdAfterDone;

        Upstream(boolean holdAfterDone) throws IOException {
            this.holdAfterDone = holdAfterDone;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/v1/chat/completions", this::chat);
            server.start();
        }

        private void chat(HttpExchange ex) throws IOException {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                clientPorts.add(ex.getRemoteAddress().getPort());
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0); // chunked
                OutputStream out = ex.getResponseBody();
                out.write(EVENTS.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (holdAfterDone) release.await(30, TimeUnit.SECONDS); // the body's end never comes in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String baseUrl() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1"; }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }

    private static OpenAiProvider provider(Upstream upstream, String client) {
        return new OpenAiProvider(AdapterHarness.provider("openai", upstream.baseUrl(), "sk-test", Map.of()),
                new TollgateConfig.Server(4L << 20, 2_000, 5_000, 10_000, 0, client));
    }

    private static List<StreamChunk> stream(OpenAiProvider provider) throws ProviderException {
        List<StreamChunk> chunks = new ArrayList<>();
        provider.stream(AdapterHarness.hello("m", true), chunks::add);
        return chunks;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lean", "helidon", "jdk"})
    void consecutiveStreamsShareOneUpstreamConnection(String client) throws Exception {
        try (Upstream upstream = new Upstream(false)) {
            OpenAiProvider provider = provider(upstream, client);
            for (int i = 0; i < 3; i++) assertThat(stream(provider)).hasSize(3);
            assertThat(upstream.clientPorts).as("client ports seen by the upstream").hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lean", "helidon", "jdk"})
    void anUpstreamThatNeverEndsItsBodyAfterDoneDoesNotHoldTheStream(String client) throws Exception {
        try (Upstream upstream = new Upstream(true)) {
            long[] lastChunkAt = {0};
            List<StreamChunk> chunks = new ArrayList<>();
            provider(upstream, client).stream(AdapterHarness.hello("m", true), c -> {
                chunks.add(c);
                lastChunkAt[0] = System.nanoTime();
            });
            long returnedAfterMs = (System.nanoTime() - lastChunkAt[0]) / 1_000_000;
            assertThat(chunks).hasSize(3);
            // the drain gives up after 250 ms idle (the watchdog scans every 250 ms); the stream idle limit is 10 s
            assertThat(returnedAfterMs).isLessThan(2_000L);
        }
    }
}
