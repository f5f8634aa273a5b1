package dev.tollgate.provider.http;

import dev.tollgate.config.TollgateConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** {@link UpstreamHttp} on the JDK's {@link HttpClient}: HTTP/2 to https upstreams, pooled connections. */
final class JdkUpstreamHttp implements UpstreamHttp {
    private final HttpClient http;

    JdkUpstreamHttp(TollgateConfig.Server server, boolean https) {
        this.http = HttpClient.newBuilder()
                // h2c upgrade on plain http costs a round trip and many local servers mishandle it
                .version(https ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(server.upstreamConnectTimeoutMs()))
                .build();
    }

    @Override
    public Response post(URI uri, Map<String, String> headers, byte[] body, long timeoutMs)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(timeoutMs))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        return new Response() {
            @Override
            public int status() { return response.statusCode(); }

            @Override
            public InputStream body() { return response.body(); }

            @Override
            public String header(String name) { return response.headers().firstValue(name).orElse(null); }

            @Override
            public void close() {
                try {
                    response.body().close();
                } catch (IOException ignored) {
                    // closing an aborted body may fail; the connection is discarded either way
                }
            }
        };
    }
}
