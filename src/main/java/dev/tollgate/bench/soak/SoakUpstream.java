package dev.tollgate.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's provider: an OpenAI-compatible fake on loopback that keeps its own record of the usage it
 * reported for every request, keyed by the marker the soak client put in the prompt ({@code [soak-N]}).
 * That record is the oracle the charges are checked against. Also the alert webhook receiver.
 *
 * <p>Upstream models: {@code ok} (usage varies with N), {@code slow} (a stream with 300 ms between
 * chunks), {@code broken} (always 500), {@code flaky} (every third call 500).
 */
final class SoakUpstream implements AutoCloseable {
    private static final Pattern MARKER = Pattern.compile("\\[soak-(\\d+)]");

    /** Usage this fake reported for one marker (the last answer if the same marker was asked twice). */
    record Usage(long prompt, long completion) {}

    private final HttpServer server;
    final Map<Long, Usage> reported = new ConcurrentHashMap<>();
    /** Webhook deliveries per alert id ({@code webhook-id}). */
    final Map<String, AtomicLong> webhooks = new ConcurrentHashMap<>();
    final AtomicLong calls = new AtomicLong();
    private final AtomicLong flakyCalls = new AtomicLong();

    SoakUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/webhook", this::webhook);
        server.start();
    }

    String baseUrl() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1"; }

    String webhookUrl() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook"; }

    /** The usage the fake reports for marker n: varied so that a wrong token count shows in the money. */
    static Usage usageFor(long n) {
        return new Usage(20 + n % 13, 3 + n % 17);
    }

    private void chat(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = Json.MAPPER.readTree(ex.getRequestBody());
            calls.incrementAndGet();
            String model = body.path("model").asText();
            boolean stream = body.path("stream").asBoolean(false);
            if (model.equals("broken") || model.equals("flaky") && flakyCalls.incrementAndGet() % 3 == 0) {
                send(ex, 500, "{\"error\":{\"message\":\"soak upstream fault\",\"type\":\"server_error\"}}");
                return;
            }
            Matcher m = MARKER.matcher(body.path("messages").toString());
            long n = m.find() ? Long.parseLong(m.group(1)) : 0;
            Usage usage = usageFor(n);
            reported.put(n, usage);
            if (stream) stream(ex, model, usage, model.equals("slow") ? 300 : 0);
            else send(ex, 200, completion(model, usage));
        }
    }

    private static String usageJson(Usage u) {
        return "{\"prompt_tokens\":" + u.prompt() + ",\"completion_tokens\":" + u.completion() + ",\"total_tokens\":"
                + (u.prompt() + u.completion()) + "}";
    }

    private static String completion(String model, Usage u) {
        return "{\"id\":\"chatcmpl-soak\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + model + "\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"soak answer\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":" + usageJson(u) + "}";
    }

    private static void stream(HttpExchange ex, String model, Usage u, long chunkDelayMs) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        try {
            event(out, chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null));
            for (String word : new String[] {"soak", " answer", " streamed"}) {
                if (chunkDelayMs > 0) Thread.sleep(chunkDelayMs);
                event(out, chunk(model, "{\"content\":\"" + word + "\"}", null));
            }
            event(out, chunk(model, "{}", "stop"));
            event(out, "{\"id\":\"chatcmpl-soak\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                    + "\",\"choices\":[],\"usage\":" + usageJson(u) + "}");
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException cut) {
            // the gateway went away (its client disconnected, or it was killed)
        }
    }

    private static String chunk(String model, String delta, String finish) {
        return "{\"id\":\"chatcmpl-soak\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    private static void event(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void webhook(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            String id = String.valueOf(ex.getRequestHeaders().getFirst("webhook-id"));
            webhooks.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
            send(ex, 204, null);
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
