package dev.tollgate.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.json.Json;
import dev.tollgate.provider.ProviderException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The HTTP part every non-OpenAI adapter shares: one JDK client per provider, a JSON POST whose
 * failures become typed {@link ProviderException}s, a bounded body read and an SSE loop guarded by
 * the {@link IdleWatchdog}. Adapters keep only their URIs, headers and translation.
 */
public final class UpstreamHttp {
    private static final int RESPONSE_BYTES_MAX = 32 * 1024 * 1024;
    private static final int ERROR_BYTES_MAX = 64 * 1024;
    private static final int EVENT_BYTES_MAX = 4 * 1024 * 1024;

    /** Turns a non-2xx answer into a typed failure; adapters refine {@link UpstreamErrors#fromStatus}. */
    @FunctionalInterface
    public interface ErrorMapper {
        ProviderException map(int status, byte[] body);
    }

    /** Receives each server-sent event as it arrives: its {@code event:} name (or null) and its data. */
    @FunctionalInterface
    public interface EventHandler {
        void event(String name, byte[] data) throws ProviderException;
    }

    private final String name;
    private final Duration timeout;
    private final long streamIdleTimeoutMs;
    private final HttpClient http;

    public UpstreamHttp(String providerName, String baseUrl, TollgateConfig.Server server) {
        this.name = providerName;
        this.timeout = Duration.ofMillis(server.upstreamTimeoutMs());
        this.streamIdleTimeoutMs = server.streamIdleTimeoutMs();
        this.http = HttpClient.newBuilder()
                // h2c upgrade on plain http costs a round trip and test servers mishandle it
                .version(baseUrl.startsWith("https:") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(server.upstreamConnectTimeoutMs()))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** POSTs a JSON body; returns the 2xx response with its body unread. */
    public HttpResponse<InputStream> post(URI uri, Map<String, String> headers, JsonNode body, String accept,
                                          ErrorMapper errors) throws ProviderException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        headers.forEach(request::header);
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' did not answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, 0, "provider '" + name + "' could not be reached: " + UpstreamErrors.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.UNAVAILABLE, 0, "interrupted while calling provider '" + name + "'", e);
        }
        if (response.statusCode() / 100 != 2) {
            byte[] errorBody;
            try (InputStream in = response.body()) {
                errorBody = in.readNBytes(ERROR_BYTES_MAX);
            } catch (IOException e) {
                errorBody = new byte[0];
            }
            throw UpstreamErrors.withRetryAfter(errors.map(response.statusCode(), errorBody),
                    response.headers().firstValue("retry-after-ms").orElse(null),
                    response.headers().firstValue("retry-after").orElse(null));
        }
        return response;
    }

    /** Reads a whole (bounded) JSON object body. */
    public JsonNode readJson(HttpResponse<InputStream> response) throws ProviderException {
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(RESPONSE_BYTES_MAX + 1);
        } catch (HttpTimeoutException e) {
            throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' timed out", e);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, 0, "provider '" + name + "' connection failed: " + UpstreamErrors.describe(e), e);
        }
        if (body.length > RESPONSE_BYTES_MAX) {
            throw new ProviderException(Kind.BAD_RESPONSE, "provider '" + name + "' sent a response over " + RESPONSE_BYTES_MAX + " bytes");
        }
        JsonNode root = Json.parseOrNull(body);
        if (root == null || !root.isObject()) {
            throw new ProviderException(Kind.BAD_RESPONSE, 200, "provider '" + name + "' returned a response that is not JSON", null);
        }
        return root;
    }

    /**
     * Hands every event of an SSE body to {@code handler} until the stream ends. A silent stream is
     * closed by the watchdog (TIMEOUT); a broken one is a STREAM_CUT. Whether the end was a proper
     * end is the translator's call, since each wire format says "done" differently.
     */
    public void readEvents(HttpResponse<InputStream> response, EventHandler handler) throws ProviderException {
        try (InputStream in = response.body();
             IdleWatchdog.Watch watch = IdleWatchdog.shared().watch(in, streamIdleTimeoutMs)) {
            SseReader events = new SseReader(in, EVENT_BYTES_MAX);
            try {
                for (byte[] data; (data = events.next()) != null; ) {
                    watch.touch();
                    handler.event(events.eventName(), data);
                }
            } catch (IOException e) {
                if (watch.fired()) {
                    throw new ProviderException(Kind.TIMEOUT, 0, "provider '" + name + "' stream was idle for over "
                            + streamIdleTimeoutMs + " ms", e);
                }
                throw new ProviderException(Kind.STREAM_CUT, 0, "provider '" + name + "' stream broke: " + UpstreamErrors.describe(e), e);
            }
        } catch (IOException closeFailure) {
            // closing a broken stream may fail as well; the outcome is already decided above
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
