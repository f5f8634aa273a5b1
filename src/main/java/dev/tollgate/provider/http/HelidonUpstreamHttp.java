package dev.tollgate.provider.http;

import dev.tollgate.config.TollgateConfig;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link UpstreamHttp} on Helidon's blocking WebClient: the calling virtual thread does the I/O
 * itself, no hand-off to a selector thread. HTTP/1.1 with keep-alive.
 */
final class HelidonUpstreamHttp implements UpstreamHttp {
    /** Header names as Helidon objects, made once: the few names the adapters send (content type, auth, ...). */
    private static final ConcurrentMap<String, HeaderName> HEADER_NAMES = new ConcurrentHashMap<>();

    /**
     * The HTTP/1.1 client itself rather than {@code WebClient}, which only HTTP/1.1 is on the class path for anyway:
     * WebClient looks up the protocol of every request's endpoint in a cache first (measured at 1.5 % of a free
     * request's CPU).
     */
    private final Http1Client client;

    HelidonUpstreamHttp(TollgateConfig.Server server) {
        this.client = Http1Client.builder()
                .connectTimeout(Duration.ofMillis(server.upstreamConnectTimeoutMs()))
                .readTimeout(Duration.ofMillis(server.upstreamTimeoutMs()))
                .followRedirects(false)
                .keepAlive(true)
                .build();
    }

    @Override
    public Response post(URI uri, Map<String, String> headers, byte[] body, long timeoutMs) throws IOException {
        Http1ClientRequest request = client.post().uri(uri).readTimeout(Duration.ofMillis(timeoutMs));
        headers.forEach((name, value) -> request.header(HEADER_NAMES.computeIfAbsent(name, HeaderNames::create), value));
        Http1ClientResponse response;
        try {
            response = request.submit(body);
        } catch (RuntimeException e) {
            // Helidon reports transport failures unchecked; adapters expect IOExceptions
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SocketTimeoutException) throw new HttpTimeoutException("no response within " + timeoutMs + " ms");
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        InputStream in = new CheckedInputStream(response.inputStream());
        return new Response() {
            @Override
            public int status() { return response.status().code(); }

            @Override
            public InputStream body() { return in; }

            @Override
            public String header(String name) {
                return response.headers().first(HeaderNames.create(name)).orElse(null);
            }

            @Override
            public void close() {
                try {
                    response.close();
                } catch (RuntimeException ignored) {
                    // a broken body fails to drain on close; the connection is discarded either way
                }
            }
        };
    }

    /** Helidon signals a truncated body with unchecked exceptions; readers of a stream expect IOException. */
    private static final class CheckedInputStream extends java.io.FilterInputStream {
        CheckedInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (RuntimeException e) {
                throw new IOException("upstream body ended early", e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (RuntimeException e) {
                throw new IOException("upstream body ended early", e);
            }
        }
    }
}
