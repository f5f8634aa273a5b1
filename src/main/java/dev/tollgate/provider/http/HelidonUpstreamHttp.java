package dev.tollgate.provider.http;

import dev.tollgate.config.TollgateConfig;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * {@link UpstreamHttp} on Helidon's blocking WebClient: the calling virtual thread does the I/O
 * itself, no hand-off to a selector thread. HTTP/1.1 with keep-alive.
 */
final class HelidonUpstreamHttp implements UpstreamHttp {
    private final WebClient client;

    HelidonUpstreamHttp(TollgateConfig.Server server) {
        this.client = WebClient.builder()
                .connectTimeout(Duration.ofMillis(server.upstreamConnectTimeoutMs()))
                .readTimeout(Duration.ofMillis(server.upstreamTimeoutMs()))
                .followRedirects(false)
                .keepAlive(true)
                .build();
    }

    @Override
    public Response post(URI uri, Map<String, String> headers, byte[] body, long timeoutMs) throws IOException {
        HttpClientRequest request = client.post().uri(uri).readTimeout(Duration.ofMillis(timeoutMs));
        headers.forEach((name, value) -> request.header(HeaderNames.create(name), value));
        HttpClientResponse response;
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
