package dev.tollgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A mock OpenAI-compatible upstream speaking the real wire format on loopback. The upstream model
 * id picks the behaviour, so one server serves every scenario without shared state:
 * {@code ok} (default), {@code fail-500}, {@code fail-429}, {@code bad-request}, {@code provider-auth},
 * {@code garbage}, {@code hang}, {@code cut-before-first} (stream closes with nothing),
 * {@code cut-after-1} / {@code cut-after-2} (stream breaks after the role chunk / one content chunk),
 * {@code stall-after-2} (stream goes silent after one content chunk), {@code no-done} (clean end without finish),
 * {@code gated} (waits on {@link #gate}: a stream after its first chunk, a plain answer before it),
 * {@code error-event}. Any other id answers normally (12 prompt and 3 completion tokens).
 *
 * <p>Stateful ids for retries and breakers (chat and embeddings): {@code flaky-N-TAG} fails with 500 on
 * its first N calls (counted per exact id), then answers; {@code retry-after-S-TAG} answers 429 with
 * {@code Retry-After: S} (seconds); {@code switch} fails with 500 while {@link #switchFailing} is set.
 * {@link #calls(String)} counts the calls that reached the fake for one id.
 *
 * <p>{@code /v1/embeddings} and {@code /v1/images/generations} share the failure ids {@code fail-500},
 * {@code fail-429}, {@code bad-request}, {@code provider-auth}, {@code garbage} and {@code hang}.
 * Otherwise embeddings answer one 3-float vector per input with {@value #EMBEDDING_PROMPT_TOKENS}
 * prompt tokens (no usage at all when the id contains {@code no-usage}); images answer {@code n}
 * URLs ({@code one-image}: a single one whatever {@code n}).
 */
public final class FakeOpenAi implements AutoCloseable {
    public static final String SECRET_IN_ERRORS = "sk-proj-SECRETSECRETSECRET1234";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** The path of every request, in the order received (same order as {@link #requests}). */
    public final List<String> paths = new CopyOnWriteArrayList<>();
    public static final int EMBEDDING_PROMPT_TOKENS = 9;
    public final CountDownLatch gate = new CountDownLatch(1);
    /** While true, model {@code switch} fails with 500. */
    public volatile boolean switchFailing;
    private final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.atomic.AtomicInteger> callsById =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final CountDownLatch hangForever = new CountDownLatch(1);

    public FakeOpenAi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/embeddings", this::embeddings);
        server.createContext("/v1/completions", this::legacyCompletions);
        server.createContext("/v1/images/generations", this::images);
        server.start();
    }

    /** How many requests for upstream model {@code model} reached this fake (any endpoint). */
    public int calls(String model) {
        return (int) requests.stream().filter(r -> r.path("model").asText("").equals(model)).count();
    }

    /** The stateful failures; true when one answered. */
    private boolean stateful(HttpExchange ex, String model) throws IOException {
        int call = callsById.computeIfAbsent(model, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        if (model.startsWith("flaky-")) {
            int failures = Integer.parseInt(model.split("-")[1]);
            if (call > failures) return false;
            send(ex, 500, "{\"error\":{\"message\":\"flaky boom\"}}");
            return true;
        }
        if (model.startsWith("retry-after-")) {
            ex.getResponseHeaders().set("Retry-After", model.split("-")[2]);
            send(ex, 429, "{\"error\":{\"message\":\"slow down\"}}");
            return true;
        }
        if (model.equals("switch") && switchFailing) {
            send(ex, 500, "{\"error\":{\"message\":\"switched off\"}}");
            return true;
        }
        return false;
    }

    public String baseUrl() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1"; }

    private void chat(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            record(ex, body);
            String model = body.path("model").asText("ok");
            boolean stream = body.path("stream").asBoolean(false);
            if (stateful(ex, model)) return;
            switch (model) {
                case "fail-500" -> send(ex, 500, "{\"error\":{\"message\":\"internal boom\"}}");
                case "fail-429" -> send(ex, 429, "{\"error\":{\"message\":\"slow down\"}}");
                case "bad-request" -> send(ex, 400, "{\"error\":{\"message\":\"max_tokens is too large: 999999\",\"type\":\"invalid_request_error\"}}");
                case "provider-auth" -> send(ex, 401, "{\"error\":{\"message\":\"Incorrect API key provided: " + SECRET_IN_ERRORS + "\"}}");
                case "garbage" -> send(ex, 200, "<html>surprise</html>");
                case "hang" -> awaitQuietly(hangForever, 60);
                default -> {
                    if (model.equals("gated") && !stream) awaitQuietly(gate, 30);
                    if (stream) stream(ex, model, body);
                    else send(ex, 200, completion(model));
                }
            }
        }
    }

    private void record(HttpExchange ex, JsonNode body) {
        paths.add(ex.getRequestURI().getPath());
        requests.add(body);
        authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
    }

    /** The shared failure ids; true when one answered. */
    private boolean failure(HttpExchange ex, String model) throws IOException {
        switch (model) {
            case "fail-500" -> send(ex, 500, "{\"error\":{\"message\":\"internal boom\"}}");
            case "fail-429" -> send(ex, 429, "{\"error\":{\"message\":\"slow down\"}}");
            case "bad-request" -> send(ex, 400, "{\"error\":{\"message\":\"input is too long for this model\",\"type\":\"invalid_request_error\"}}");
            case "provider-auth" -> send(ex, 401, "{\"error\":{\"message\":\"Incorrect API key provided: " + SECRET_IN_ERRORS + "\"}}");
            case "garbage" -> send(ex, 200, "<html>surprise</html>");
            case "hang" -> awaitQuietly(hangForever, 60);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void embeddings(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            record(ex, body);
            String model = body.path("model").asText("ok");
            if (stateful(ex, model) || failure(ex, model)) return;
            JsonNode input = body.path("input");
            int count = input.isArray() && !input.isEmpty() && !input.get(0).isNumber() ? input.size() : 1;
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < count; i++) {
                if (i > 0) data.append(',');
                data.append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":[0.1,0.2,0.3]}");
            }
            String usage = model.contains("no-usage") ? "" : ",\"usage\":{\"prompt_tokens\":" + EMBEDDING_PROMPT_TOKENS
                    + ",\"total_tokens\":" + EMBEDDING_PROMPT_TOKENS + "}";
            send(ex, 200, "{\"object\":\"list\",\"data\":[" + data + "],\"model\":\"" + model + "\"" + usage + "}");
        }
    }

    private void images(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            record(ex, body);
            String model = body.path("model").asText("ok");
            if (failure(ex, model)) return;
            int n = model.equals("one-image") ? 1 : body.path("n").asInt(1);
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (i > 0) data.append(',');
                data.append("{\"url\":\"https://images.example/").append(i).append(".png\"}");
            }
            send(ex, 200, "{\"created\":1,\"data\":[" + data + "]}");
        }
    }

    private void stream(HttpExchange ex, String model, JsonNode body) throws IOException {
        boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        if (model.equals("cut-before-first")) {
            ex.sendResponseHeaders(200, 100_000); // promise more than we send: the client sees a broken body
            return;
        }
        if (model.equals("cut-after-1") || model.equals("cut-after-2") || model.equals("stall-after-2")) {
            ex.sendResponseHeaders(200, 100_000);
            OutputStream out = ex.getResponseBody();
            out.write(event(chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null)));
            if (!model.equals("cut-after-1")) out.write(event(chunk(model, "{\"content\":\"partial\"}", null)));
            out.flush();
            if (model.equals("stall-after-2")) awaitQuietly(hangForever, 60);
            return;
        }
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        long pauseMs = model.matches("pace-\\d+") ? Long.parseLong(model.substring(5)) : 0; // a slow provider: before each chunk
        pause(pauseMs);
        out.write(event(chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null)));
        out.flush();
        if (model.equals("gated")) awaitQuietly(gate, 30);
        if (model.equals("error-event")) {
            out.write(event("{\"error\":{\"message\":\"overloaded " + SECRET_IN_ERRORS + "\"}}"));
            return;
        }
        for (String word : new String[] {"Hello", " from", " fake"}) {
            pause(pauseMs);
            out.write(event(chunk(model, "{\"content\":\"" + word + "\"}", null)));
            out.flush();
        }
        if (model.equals("no-done")) return;
        out.write(event(chunk(model, "{}", "stop")));
        if (usage) {
            out.write(event("{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                    + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}"));
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The legacy {@code /v1/completions}: "Once upon" + " a time" with legacy logprobs, 5 prompt and 4 completion
     * tokens; streamed as two text chunks, a finish chunk and (when asked) a usage chunk.
     */
    private void legacyCompletions(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            record(ex, body);
            String model = body.path("model").asText("ok");
            if (failure(ex, model)) return;
            String usage = "{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}";
            if (!body.path("stream").asBoolean(false)) {
                send(ex, 200, "{\"id\":\"cmpl-fake\",\"object\":\"text_completion\",\"created\":1,\"model\":\"" + model
                        + "\",\"choices\":[{\"text\":\"Once upon a time\",\"index\":0,\"logprobs\":{\"tokens\":[\"Once\"],"
                        + "\"token_logprobs\":[-0.5],\"top_logprobs\":null,\"text_offset\":[0]},\"finish_reason\":\"length\"}],"
                        + "\"usage\":" + usage + "}");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String[] c : new String[][] {{"Once upon", "null"}, {" a time", "null"}, {"", "\"length\""}}) {
                out.write(event("{\"id\":\"cmpl-fake\",\"object\":\"text_completion\",\"created\":1,\"model\":\"" + model
                        + "\",\"choices\":[{\"text\":\"" + c[0] + "\",\"index\":0,\"logprobs\":null,\"finish_reason\":" + c[1] + "}]}"));
                out.flush();
            }
            if (body.path("stream_options").path("include_usage").asBoolean(false)) {
                out.write(event("{\"id\":\"cmpl-fake\",\"object\":\"text_completion\",\"created\":1,\"model\":\"" + model
                        + "\",\"choices\":[],\"usage\":" + usage + "}"));
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    public static String completion(String model) {
        return "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + model + "\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello from fake\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15},\"system_fingerprint\":\"fp_test\"}";
    }

    private static String chunk(String model, String delta, String finish) {
        return "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    private static byte[] event(String json) {
        return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void pause(long ms) {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch, int seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        gate.countDown();
        hangForever.countDown();
        server.stop(0);
    }
}
