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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible upstream on loopback whose answers the test writes: per upstream model id,
 * an exact chat.completion body, an error status, or an exact list of stream chunks (optionally cut
 * off after them). Records every request body, so tests can check what the gateway sent.
 */
public final class ScriptedOpenAi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Script(int status, String body, List<String> chunks, boolean cut) {}

    private final HttpServer server;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> sequences = new ConcurrentHashMap<>();
    private final Map<String, List<String>> sequenceBodies = new ConcurrentHashMap<>();

    public ScriptedOpenAi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    public String baseUrl() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1"; }

    /** Non-streamed requests for {@code model} get this chat.completion body. */
    public ScriptedOpenAi answer(String model, String completionJson) {
        scripts.put(model, new Script(200, completionJson, List.of(), false));
        return this;
    }

    /** Non-streamed requests for {@code model} get these bodies in turn; the last one repeats. */
    public ScriptedOpenAi answers(String model, String... completionJsons) {
        sequences.put(model, new java.util.concurrent.atomic.AtomicInteger());
        scripts.put(model, new Script(200, completionJsons[completionJsons.length - 1], List.of(), false));
        sequenceBodies.put(model, List.of(completionJsons));
        return this;
    }

    public ScriptedOpenAi fail(String model, int status, String body) {
        scripts.put(model, new Script(status, body, List.of(), false));
        return this;
    }

    /** Streamed requests for {@code model} get these chunks as {@code data:} events, then [DONE]. */
    public ScriptedOpenAi stream(String model, String... chunkJsons) {
        scripts.put(model, new Script(200, null, List.of(chunkJsons), false));
        return this;
    }

    /** Like {@link #stream} but the connection breaks after the chunks (no [DONE]). */
    public ScriptedOpenAi streamThenCut(String model, String... chunkJsons) {
        scripts.put(model, new Script(200, null, List.of(chunkJsons), true));
        return this;
    }

    public JsonNode lastRequest() { return requests.get(requests.size() - 1); }

    private void chat(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            requests.add(body);
            Script s = scripts.get(body.path("model").asText());
            if (s == null) {
                send(ex, 404, "{\"error\":{\"message\":\"no script for model " + body.path("model").asText() + "\"}}");
            } else if (s.body != null && sequences.containsKey(body.path("model").asText())) {
                List<String> bodies = sequenceBodies.get(body.path("model").asText());
                int i = sequences.get(body.path("model").asText()).getAndIncrement();
                send(ex, s.status, bodies.get(Math.min(i, bodies.size() - 1)));
            } else if (s.body != null) {
                send(ex, s.status, s.body);
            } else {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, s.cut ? 1_000_000 : 0); // a promised length never reached reads as a cut
                OutputStream out = ex.getResponseBody();
                for (String chunk : s.chunks) {
                    out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                if (!s.cut) out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    /** A chat.completion.chunk with choice 0 carrying {@code delta} and {@code finish} (null for none). */
    public static String chunk(String delta, String finish) {
        return "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":"
                + delta + ",\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    /** The trailing usage-only chunk. */
    public static String usageChunk(String usage) {
        return "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":[],\"usage\":" + usage + "}";
    }

    /** A chat.completion whose choice 0 has {@code message} and {@code finish}, plus extra choice fields. */
    public static String completion(String message, String finishAndExtras, String usage) {
        return "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,\"message\":"
                + message + ",\"finish_reason\":" + finishAndExtras + "}],\"usage\":" + usage + "}";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
