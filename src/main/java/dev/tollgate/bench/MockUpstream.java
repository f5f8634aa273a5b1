package dev.tollgate.bench;

import dev.tollgate.json.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Option;

/**
 * A fast OpenAI-compatible upstream for benchmarks: a fixed answer, optional latency, SSE when
 * {@code "stream":true}. The benchmark loads it directly and through Tollgate in the same run.
 */
public final class MockUpstream {
    private final byte[] completion;
    private final byte[][] chunks;
    private final long latencyMs;
    private final long chunkDelayMs;

    public MockUpstream(int words, long latencyMs, long chunkDelayMs) {
        this.latencyMs = latencyMs;
        this.chunkDelayMs = chunkDelayMs;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) text.append(i == 0 ? "" : " ").append("word").append(i);
        var body = Json.object().put("id", "chatcmpl-bench").put("object", "chat.completion").put("created", 0).put("model", "bench");
        var choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", text.toString());
        body.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", words).put("total_tokens", 10 + words);
        this.completion = Json.bytes(body);
        this.chunks = new byte[words + 2][];
        for (int i = 0; i < words; i++) {
            chunks[i] = sse("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                    + (i == 0 ? "" : " ") + "word" + i + "\"},\"finish_reason\":null}]}");
        }
        chunks[words] = sse("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        chunks[words + 1] = sse("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"bench\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":"
                + words + ",\"total_tokens\":" + (10 + words) + "}}");
    }

    private static byte[] sse(String json) {
        return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    public WebServer start(String host, int port) {
        return WebServer.builder().host(host).port(port).connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.post("/v1/chat/completions", this::chat))
                .build().start();
    }

    private void chat(ServerRequest req, ServerResponse res) throws IOException, InterruptedException {
        byte[] body = req.content().as(byte[].class);
        if (latencyMs > 0) Thread.sleep(latencyMs);
        if (!new String(body, StandardCharsets.UTF_8).replace(" ", "").contains("\"stream\":true")) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(completion);
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        try (OutputStream out = res.outputStream()) {
            for (byte[] c : chunks) {
                out.write(c);
                out.flush();
                if (chunkDelayMs > 0) Thread.sleep(chunkDelayMs);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @picocli.CommandLine.Command(mixinStandardHelpOptions = true, name = "mock-upstream", description = "Run an OpenAI-compatible mock upstream (for benchmarks).")
    public static final class Command implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "9090")
        int port;

        @Option(names = "--words", defaultValue = "16", description = "Words in each answer.")
        int words;

        @Option(names = "--latency-ms", defaultValue = "0", description = "Delay before the first byte.")
        long latencyMs;

        @Option(names = "--chunk-delay-ms", defaultValue = "0", description = "Delay after each streamed chunk.")
        long chunkDelayMs;

        @Override
        public Integer call() throws InterruptedException {
            WebServer server = new MockUpstream(words, latencyMs, chunkDelayMs).start("127.0.0.1", port);
            System.out.println("mock upstream listening on http://127.0.0.1:" + server.port());
            new CountDownLatch(1).await();
            return 0;
        }
    }
}
