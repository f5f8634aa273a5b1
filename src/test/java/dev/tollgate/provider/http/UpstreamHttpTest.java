package dev.tollgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.TollgateConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** All three upstream clients fail in bounded time and with the same exception types. */
class UpstreamHttpTest {
    static UpstreamHttp client(String kind) {
        return UpstreamHttp.create(new TollgateConfig.Server(4 << 20, 1000, 1500, 1000, 0, kind), false);
    }

    /** A listener whose accept loop died: the kernel completes the handshake, nobody ever answers. */
    @ParameterizedTest
    @ValueSource(strings = {"jdk", "helidon", "lean"})
    void serverThatNeverAnswersTimesOut(String kind) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/v1/chat/completions");
            long start = System.nanoTime();
            assertThatThrownBy(() -> client(kind).post(uri, Map.of("Content-Type", "application/json"), "{}".getBytes(), 1500))
                    .isInstanceOf(HttpTimeoutException.class);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1000L, 10_000L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "helidon", "lean"})
    void refusedConnectionIsAnIoException(String kind) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
        assertThatThrownBy(() -> client(kind).post(uri, Map.of(), "{}".getBytes(), 1500))
                .isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(e instanceof ConnectException || e.getCause() instanceof ConnectException
                        || String.valueOf(e.getMessage()).contains("onnect")).as(e.toString()).isTrue());
    }
}
