package dev.tollgate.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.json.Json;
import dev.tollgate.provider.ProviderException.Kind;
import dev.tollgate.provider.http.UpstreamHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP part every adapter shares, on top of the {@link UpstreamHttp} transport: a JSON POST whose
 * failures become typed {@link ProviderException}s, a bounded body read under the idle watchdog, and
 * an SSE loop. Adapters keep only their URIs, headers and translation.
 */
public final class ProviderHttp {
    public static final int RESPONSE_BYTES_MAX = 32 * 1024 * 1024;
    private static final int ERROR_BYTES_MAX = 64 * 1024;
    private static final int EVENT_BYTES_MAX = 4 * 1024 * 1024;
    /** What may follow a stream's end marker before its body ends (normally nothing but the chunked terminator). */
    private static final int DRAIN_BYTES_MAX = 64 * 1024;
    /** How long the body's end may lag behind the end marker (the watchdog scans every 250 ms). */
    private static final long DRAIN_IDLE_MS = 250;

    /** Turns a non-2xx answer into a typed failure; adapters refine {@link UpstreamErrors#fromStatus}. */
    @FunctionalInterface
    public interface ErrorMapper {
        ProviderException map(int status, byte[] body);
    }

    /** Receives each server-sent event as it arrives: its {@code event:} name (or null) and its data. */
    @FunctionalInterface
    public interface EventHandler {
        /** @return false to stop reading (the provider said it is done) */
        boolean event(String name, byte[] data) throws ProviderException;
    }

    private final String name;
    private final long timeoutMs;
    private final long idleTimeoutMs;
    private final UpstreamHttp transport;

    public ProviderHttp(String providerName, String baseUrl, TollgateConfig.Server server) {
        this.name = providerName;
        this.timeoutMs = server.upstreamTimeoutMs();
        this.idleTimeoutMs = server.streamIdleTimeoutMs();
        this.transport = UpstreamHttp.create(server, baseUrl.startsWith("https:"));
    }

    /** POSTs a JSON body; returns the 2xx response with its body unread (the caller reads or closes it). */
    public UpstreamHttp.Response post(URI uri, Map<String, String> headers, JsonNode body, String accept,
                                      ErrorMapper errors) throws ProviderException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        all.put("Accept", accept);
        UpstreamHttp.Response response;
        try {
            response = transport.post(uri, all, Json.bytes(body), timeoutMs);
        } catch (HttpTimeoutException e) {
            throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' did not answer within " + timeoutMs + " ms", e);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, 0, "provider '" + name + "' could not be reached: " + UpstreamErrors.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.UNAVAILABLE, 0, "interrupted while calling provider '" + name + "'", e);
        }
        if (response.status() / 100 != 2) {
            byte[] errorBody;
            // watched like every body read: the transports read without socket timeouts
            try (response; IdleWatchdog.Watch watch = IdleWatchdog.shared().watch(response::close, idleTimeoutMs)) {
                errorBody = response.body().readNBytes(ERROR_BYTES_MAX);
            } catch (IOException e) {
                errorBody = new byte[0];
            }
            throw UpstreamErrors.withRetryAfter(errors.map(response.status(), errorBody),
                    response.header("retry-after-ms"), response.header("retry-after"));
        }
        return response;
    }

    /** The whole body of a 2xx answer, refused when over {@code maxBytes}; a stalled body times out. */
    public byte[] readBounded(UpstreamHttp.Response response, int maxBytes) throws ProviderException {
        byte[] body;
        try (response; IdleWatchdog.Watch watch = IdleWatchdog.shared().watch(response::close, idleTimeoutMs)) {
            try {
                body = response.body().readNBytes(maxBytes + 1);
            } catch (IOException e) {
                if (watch.fired()) throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' stopped sending its answer", e);
                throw new ProviderException(Kind.UNAVAILABLE, 0, "provider '" + name + "' connection failed: " + UpstreamErrors.describe(e), e);
            }
        }
        if (body.length > maxBytes) {
            throw new ProviderException(Kind.BAD_RESPONSE, "provider '" + name + "' sent a response over " + maxBytes + " bytes");
        }
        return body;
    }

    /** Reads a whole (bounded) JSON object body. */
    public JsonNode readJson(UpstreamHttp.Response response) throws ProviderException {
        JsonNode root = Json.parseOrNull(readBounded(response, RESPONSE_BYTES_MAX));
        if (root == null || !root.isObject()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not JSON", null);
        }
        return root;
    }

    /**
     * Hands every event of an SSE body to {@code handler} until the stream ends or the handler says
     * stop. A silent stream is closed by the watchdog (TIMEOUT); a broken one is a STREAM_CUT. Whether
     * the end was a proper end is the translator's call, since each wire format says "done" differently.
     */
    public void readEvents(UpstreamHttp.Response response, EventHandler handler) throws ProviderException {
        try (response; IdleWatchdog.Watch watch = IdleWatchdog.shared().watch(response::close, idleTimeoutMs)) {
            SseReader events = new SseReader(response.body(), EVENT_BYTES_MAX);
            try {
                for (byte[] data; (data = events.next()) != null; ) {
                    watch.touch();
                    if (!handler.event(events.eventName(), data)) {
                        drain(response);
                        return;
                    }
                }
            } catch (IOException e) {
                if (watch.fired()) {
                    throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' stream was idle for over "
                            + idleTimeoutMs + " ms", e);
                }
                throw new ProviderException(Kind.STREAM_CUT, 0, "provider '" + name + "' stream broke: " + UpstreamErrors.describe(e), e);
            }
        }
    }

    /**
     * The provider said it is done, but its HTTP body has not ended yet (the last chunk's terminator is still to be
     * read): closing it now would make the HTTP client close the connection instead of keeping it, and the next
     * stream would pay a new TCP (and TLS) handshake to the provider. So read on to the body's end, discarding what
     * comes (bounded in bytes and in time); anything odd leaves the connection to be closed, as before.
     */
    private static void drain(UpstreamHttp.Response response) {
        try (IdleWatchdog.Watch watch = IdleWatchdog.shared().watch(response::close, DRAIN_IDLE_MS)) {
            InputStream body = response.body();
            byte[] skipped = new byte[512];
            for (long total = 0; total <= DRAIN_BYTES_MAX; ) {
                int n = body.read(skipped);
                if (n < 0) return; // the end: the client keeps the connection
                total += n;
            }
        } catch (IOException | RuntimeException e) {
            // a broken or stalled end: the caller's close discards the connection
        }
    }

    /** Parses one event's data as a JSON object, or fails as a protocol error. */
    public JsonNode eventJson(byte[] data) throws ProviderException {
        JsonNode node = Json.parseOrNull(data);
        if (node == null || !node.isObject()) {
            throw new ProviderException(Kind.BAD_RESPONSE, "provider '" + name + "' sent a stream event that is not JSON");
        }
        return node;
    }
}
