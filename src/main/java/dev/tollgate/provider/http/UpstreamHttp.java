package dev.tollgate.provider.http;

import dev.tollgate.config.TollgateConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/**
 * The one way adapters speak HTTP to providers: a blocking POST whose response body is read as a
 * stream. Three implementations (our own {@link LeanUpstreamHttp} on plain sockets, Helidon's HTTP/1.1 client,
 * the JDK HttpClient) sit behind it so the faster one can be chosen by measurement
 * ({@code server.upstream_client}); adapters never see which.
 */
public interface UpstreamHttp {

    /**
     * Sends the request and returns once the response status and headers arrived.
     *
     * @param timeoutMs how long to wait for the response headers
     * @throws java.net.http.HttpTimeoutException when they did not arrive in time
     * @throws IOException when the connection failed
     */
    Response post(URI uri, Map<String, String> headers, byte[] body, long timeoutMs) throws IOException, InterruptedException;

    /** A response whose body must be read or closed. Closing before the end aborts the exchange. */
    interface Response extends AutoCloseable {
        int status();

        InputStream body();

        /** The first value of response header {@code name} (case-insensitive), or null. */
        String header(String name);

        @Override
        void close();
    }

    static UpstreamHttp create(TollgateConfig.Server server, boolean https) {
        return switch (server.upstreamClient()) {
            case "helidon" -> new HelidonUpstreamHttp(server);
            case "lean" -> new LeanUpstreamHttp(server);
            default -> new JdkUpstreamHttp(server, https);
        };
    }
}
