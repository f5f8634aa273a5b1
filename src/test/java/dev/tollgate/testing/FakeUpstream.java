package dev.tollgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * What the fake Anthropic and Gemini servers share: a loopback JDK HttpServer that records every
 * request (path, headers, JSON body) and answers from scenario files under
 * {@code src/test/resources/providers/<provider>/}: {@code <scenario>.json} for a plain answer and
 * {@code <scenario>.sse} for a stream, written byte for byte. Every SSE event is written in two
 * flushed pieces split mid-line, so the adapter's reader must reassemble partial lines as it would
 * over a real network. A scenario named {@code broken*} promises more bytes than it sends, so the
 * client sees the connection break instead of a clean end; one named {@code stall*} keeps the
 * connection open and silent after its script until the fake is closed.
 */
public abstract class FakeUpstream implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One received request. Header names are lower case. */
    public record Received(String path, String query, Map<String, String> headers, JsonNode body) {}

    private final HttpServer server;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final String resourceDir;
    public final List<Received> requests = new CopyOnWriteArrayList<>();
    /** Every request body exactly as it arrived, byte for byte (same order as {@link #requests}). */
    public final List<byte[]> rawBodies = new CopyOnWriteArrayList<>();

    protected FakeUpstream(String context, String resourceDir) {
        this.resourceDir = resourceDir;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(context, ex -> {
            try (ex) {
                Map<String, String> headers = new TreeMap<>();
                ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
                byte[] raw = ex.getRequestBody().readAllBytes();
                Received r = new Received(ex.getRequestURI().getPath(), ex.getRequestURI().getQuery(), headers,
                        JSON.readTree(raw));
                rawBodies.add(raw);
                requests.add(r);
                handle(ex, r);
            }
        });
        server.start();
    }

    public String origin() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    public Received last() { return requests.get(requests.size() - 1); }

    /** Answers one recorded request. */
    protected abstract void handle(HttpExchange ex, Received request) throws IOException;

    /** SSE line endings of the provider ("\n" or "\r\n"). */
    protected String lineEnding() { return "\n"; }

    protected void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    protected void scenarioJson(HttpExchange ex, String scenario) throws IOException {
        String body = resource(scenario + ".json");
        if (body == null) json(ex, 404, notFound(scenario));
        else json(ex, 200, body);
    }

    protected void scenarioStream(HttpExchange ex, String scenario) throws IOException {
        String script = resource(scenario + ".sse");
        if (script == null) {
            json(ex, 404, notFound(scenario));
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, scenario.startsWith("broken") ? 1_000_000 : 0);
        OutputStream out = ex.getResponseBody();
        for (String event : script.strip().split("\n\n")) {
            byte[] bytes = (event.replace("\n", lineEnding()) + lineEnding() + lineEnding()).getBytes(StandardCharsets.UTF_8);
            int half = bytes.length / 2;
            out.write(bytes, 0, half);
            out.flush();
            out.write(bytes, half, bytes.length - half);
            out.flush();
        }
        if (scenario.startsWith("stall")) {
            try {
                closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The provider's error body for "no such model". */
    protected abstract String notFound(String scenario);

    private String resource(String name) throws IOException {
        try (InputStream in = FakeUpstream.class.getResourceAsStream("/providers/" + resourceDir + "/" + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
