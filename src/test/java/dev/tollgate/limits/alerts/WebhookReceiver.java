package dev.tollgate.limits.alerts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook endpoint on loopback that checks every delivery the way a Standard Webhooks receiver
 * does, written from the spec and not from the gateway's code: the three headers present, the
 * timestamp within five minutes, and one of the space-separated {@code v1,} signatures equal to
 * HMAC-SHA256 over {@code id.timestamp.body} keyed by the base64 after {@code whsec_}.
 * Answers with the scripted statuses in order, then 200.
 */
final class WebhookReceiver implements AutoCloseable {
    /** A secret as operators make one: {@code echo whsec_$(openssl rand -base64 32)}. */
    static final String SECRET = "whsec_gPV9zvS8iKvjcFqY0oH4s1IQ32rfHl7DfVbSPABHFhw=";

    record Delivery(String id, String timestamp, String signature, String body, boolean signatureValid) {}

    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final HttpServer server;

    WebhookReceiver(Integer... scriptedStatuses) throws IOException {
        statuses.addAll(List.of(scriptedStatuses));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String id = ex.getRequestHeaders().getFirst("webhook-id");
        String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
        String sig = ex.getRequestHeaders().getFirst("webhook-signature");
        deliveries.add(new Delivery(id, ts, sig, body, verify(SECRET, id, ts, sig, body)));
        Integer status = statuses.poll();
        ex.sendResponseHeaders(status == null ? 200 : status, -1);
        ex.close();
    }

    static boolean verify(String secret, String id, String timestamp, String signatures, String body) {
        if (id == null || timestamp == null || signatures == null) return false;
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(System.currentTimeMillis() / 1000 - ts) > 300) return false;
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String versioned : signatures.split(" ")) {
                String[] parts = versioned.split(",", 2);
                if (parts.length == 2 && parts[0].equals("v1")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
