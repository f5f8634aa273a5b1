package dev.tollgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.IdleWatchdog;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** The lean client against a fake upstream that scripts its answers byte by byte over real loopback sockets. */
class LeanUpstreamHttpTest {
    static final TollgateConfig.Server SERVER = new TollgateConfig.Server(4 << 20, 1000, 5000, 1000, 0, "lean");

    static LeanUpstreamHttp client() throws Exception {
        return new LeanUpstreamHttp(SERVER, SSLContext.getDefault(), LeanPool.IDLE_NANOS_MAX);
    }

    static UpstreamHttp.Response post(UpstreamHttp client, RawUpstream upstream, String body) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer sk-test");
        headers.put("Content-Type", "application/json");
        return client.post(URI.create(upstream.url("/v1/chat/completions")), headers, body.getBytes(StandardCharsets.UTF_8), 2000);
    }

    static String text(UpstreamHttp.Response r) throws IOException {
        try (r) {
            return new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void sendsOneWellFormedRequestAndReadsAContentLengthBody() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, "HTTP/1.1 201 Created\r\nX-Request-Id: abc\r\nx-request-id: second\r\nContent-Length: 11\r\n\r\n{\"ok\":true}");
            return true;
        })) {
            UpstreamHttp.Response r = post(client(), upstream, "{\"q\":1}");
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.header("x-REQUEST-id")).as("case-insensitive, first value").isEqualTo("abc");
            assertThat(r.header("Retry-After")).isNull();
            assertThat(text(r)).isEqualTo("{\"ok\":true}");
            RawUpstream.Request seen = upstream.requests.get(0);
            assertThat(seen.head()).startsWith("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + upstream.port() + "\r\n");
            assertThat(seen.header("authorization")).isEqualTo("Bearer sk-test");
            assertThat(seen.header("content-length")).isEqualTo("7");
            assertThat(seen.bodyText()).isEqualTo("{\"q\":1}");
        }
    }

    @Test
    void readsAChunkedBodyWithExtensionsAndTrailersThenReusesTheConnection() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            RawUpstream.write(out, "5;name=value\r\nhello\r\n");
            RawUpstream.write(out, "6\r\n world\r\n0;last=1\r\nX-Checksum: 42\r\n\r\n");
            return true;
        })) {
            LeanUpstreamHttp client = client();
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("hello world");
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("hello world");
            assertThat(upstream.connections.get()).isEqualTo(1);
        }
    }

    /** Lines split across reads (a slow or segmenting upstream) are joined, up to the chunked terminator. */
    @Test
    void anAnswerArrivingInPiecesIsReadWhole() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "c\r\ndata: hello\n\r\n0\r\n\r\n";
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            for (int i = 0; i < answer.length(); i += 3) {
                RawUpstream.write(out, answer.substring(i, Math.min(answer.length(), i + 3)));
                Thread.sleep(1);
            }
            return true;
        })) {
            LeanUpstreamHttp client = client();
            UpstreamHttp.Response r = post(client, upstream, "{}");
            assertThat(r.header("content-type")).isEqualTo("text/event-stream");
            assertThat(text(r)).isEqualTo("data: hello\n");
            assertThat(client.idleConnections(URI.create(upstream.url("/")))).as("ended exactly: kept").isEqualTo(1);
        }
    }

    @Test
    void skipsInterimAnswersUpToTheFinalOne() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + RawUpstream.ok("{}"));
            return true;
        })) {
            UpstreamHttp.Response r = post(client(), upstream, "{}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Link")).isNull();
            assertThat(text(r)).isEqualTo("{}");
        }
    }

    @Test
    void nSequentialRequestsShareOneConnection() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, RawUpstream.ok("{\"n\":" + req.indexOnConnection() + "}"));
            return true;
        })) {
            LeanUpstreamHttp client = client();
            for (int i = 1; i <= 20; i++) assertThat(text(post(client, upstream, "{}"))).isEqualTo("{\"n\":" + i + "}");
            assertThat(upstream.connections.get()).isEqualTo(1);
            assertThat(client.idleConnections(URI.create(upstream.url("/")))).isEqualTo(1);
        }
    }

    @Test
    void connectionCloseInTheAnswerIsNotReused() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}");
            return false;
        })) {
            LeanUpstreamHttp client = client();
            for (int i = 0; i < 3; i++) assertThat(text(post(client, upstream, "{}"))).isEqualTo("{}");
            assertThat(upstream.connections.get()).isEqualTo(3);
            assertThat(client.idleConnections(URI.create(upstream.url("/")))).isZero();
        }
    }

    @Test
    void aBodyWithoutLengthIsReadToTheEndOfTheConnection() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, "HTTP/1.1 200 OK\r\n\r\nall of it");
            return false;
        })) {
            LeanUpstreamHttp client = client();
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("all of it");
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("all of it");
            assertThat(upstream.connections.get()).isEqualTo(2);
        }
    }

    /** The upstream closed the idle connection (a keep-alive timeout); the next call must not fail for it. */
    @Test
    void aPooledConnectionTheUpstreamClosedIsRetriedOnceOnANewOne() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, RawUpstream.ok("{\"c\":" + req.connection() + "}"));
            return false; // closes without saying so, as an idle timeout does
        })) {
            LeanUpstreamHttp client = client();
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("{\"c\":1}");
            upstream.awaitClosed(1);
            assertThat(client.idleConnections(URI.create(upstream.url("/")))).as("kept: nothing said close").isEqualTo(1);
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("{\"c\":2}");
            assertThat(upstream.connections.get()).isEqualTo(2);
            assertThat(upstream.requests).hasSize(2);
        }
    }

    /** The same race seen as a clean end of the connection (no reset): the request is sent again once. */
    @Test
    void aPooledConnectionEndedBeforeAnyAnswerByteIsRetriedOnceOnANewOne() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            if (req.indexOnConnection() == 2) return false; // ends the connection without a byte of answer
            RawUpstream.write(out, RawUpstream.ok("{\"c\":" + req.connection() + "}"));
            return true;
        })) {
            LeanUpstreamHttp client = client();
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("{\"c\":1}");
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("{\"c\":2}");
            assertThat(upstream.requests).extracting(RawUpstream.Request::connection).containsExactly(1, 1, 2);
        }
    }

    /**
     * An emergency stop closes the upstream calls of a request's thread (IdleWatchdog.closeWatchesOf), a call still
     * waiting for its head included: it ends at once and is never sent again, although on a pooled connection with no
     * answer byte yet the closed socket looks like a stale connection, which would be retried.
     */
    @Test
    void aCallTheGatewayClosesWhileWaitingForItsHeadIsNotSentAgain() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            if (req.connection() == 1 && req.indexOnConnection() == 1) {
                RawUpstream.write(out, RawUpstream.ok("{}"));
                return true; // kept: the next call takes this connection from the pool
            }
            release.await(10, TimeUnit.SECONDS); // no answer until the test ends
            return false;
        })) {
            LeanUpstreamHttp client = client();
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("{}");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    text(post(client, upstream, "{\"second\":1}"));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (upstream.requests.size() < 2 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(upstream.requests).as("the second call reached the upstream").hasSize(2);
            long stopAt = System.nanoTime();
            assertThat(IdleWatchdog.shared().closeWatchesOf(caller)).as("its wait for the head is watched").isEqualTo(1);
            caller.join(5_000);
            assertThat((System.nanoTime() - stopAt) / 1_000_000).as("ended by the close, not a timeout").isLessThan(1_000);
            assertThat(failure.get()).isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
            release.countDown();
            assertThat(upstream.requests).as("never sent again").hasSize(2);
            assertThat(upstream.connections.get()).isEqualTo(1);
        }
    }

    /** Once the answer began, the request was being processed: sending it again could run it twice. */
    @Test
    void aFailureAfterTheFirstResponseByteIsNotRetried() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            if (req.indexOnConnection() == 1) {
                RawUpstream.write(out, RawUpstream.ok("{}"));
                return true;
            }
            RawUpstream.write(out, "HTTP/1.1 200 OK\r\nContent-Le");
            return false;
        })) {
            LeanUpstreamHttp client = client();
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("{}");
            assertThatThrownBy(() -> post(client, upstream, "{}")).isInstanceOf(IOException.class);
            assertThat(upstream.requests).as("no second attempt").hasSize(2);
            assertThat(upstream.connections.get()).isEqualTo(1);
        }
    }

    @Test
    void aNewConnectionClosedWithoutAnswerIsAnErrorNotARetry() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> false)) {
            assertThatThrownBy(() -> post(client(), upstream, "{}")).isInstanceOf(IOException.class)
                    .isNotInstanceOf(HttpTimeoutException.class);
            assertThat(upstream.requests).hasSize(1);
        }
    }

    @Test
    void aTruncatedBodyIsAnIoExceptionAndTheConnectionIsDropped() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            if (req.connection() == 1) {
                RawUpstream.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":");
            } else {
                RawUpstream.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nshort");
            }
            return false;
        })) {
            LeanUpstreamHttp client = client();
            UpstreamHttp.Response length = post(client, upstream, "{}");
            assertThatThrownBy(() -> length.body().readAllBytes()).isInstanceOf(IOException.class).hasMessageContaining("ended early");
            UpstreamHttp.Response chunked = post(client, upstream, "{}");
            assertThatThrownBy(() -> chunked.body().readAllBytes()).isInstanceOf(IOException.class).hasMessageContaining("ended early");
            assertThatThrownBy(() -> chunked.body().read()).as("and stays failed").isInstanceOf(IOException.class);
            assertThat(client.idleConnections(URI.create(upstream.url("/")))).isZero();
        }
    }

    @Test
    void noAnswerWithinTheTimeoutIsAnHttpTimeoutException() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            release.await(10, TimeUnit.SECONDS);
            return false;
        })) {
            URI uri = URI.create(upstream.url("/v1/chat/completions"));
            long start = System.nanoTime();
            assertThatThrownBy(() -> client().post(uri, Map.of(), "{}".getBytes(), 300)).isInstanceOf(HttpTimeoutException.class);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 5_000L);
            release.countDown();
        }
    }

    /** Each header line comes within the socket timeout, but the head as a whole must not outlast the call's. */
    @Test
    void aTrickledHeadIsBoundedByTheTimeoutAsAWhole() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, "HTTP/1.1 200 OK\r\n");
            for (int i = 0; i < 40; i++) {
                RawUpstream.write(out, "X-Slow-" + i + ": 1\r\n");
                Thread.sleep(100);
            }
            return false;
        })) {
            URI uri = URI.create(upstream.url("/v1/chat/completions"));
            long start = System.nanoTime();
            assertThatThrownBy(() -> client().post(uri, Map.of(), "{}".getBytes(), 500)).isInstanceOf(HttpTimeoutException.class);
            assertThat((System.nanoTime() - start) / 1_000_000).as("well before the 4 s trickle ends").isLessThan(2_500L);
        }
    }

    @Test
    void endlessInterimAnswersAreRefused() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, "HTTP/1.1 100 Continue\r\n\r\n".repeat(50) + RawUpstream.ok("{}"));
            return true;
        })) {
            assertThatThrownBy(() -> post(client(), upstream, "{}")).isInstanceOf(IOException.class).hasMessageContaining("interim");
        }
    }

    @Test
    void closingBeforeTheEndAbortsTheConnection() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 20000\r\n\r\n" + "x".repeat(20000));
            return true;
        })) {
            LeanUpstreamHttp client = client();
            UpstreamHttp.Response r = post(client, upstream, "{}");
            assertThat(r.body().readNBytes(10)).hasSize(10);
            r.close();
            upstream.awaitClosed(1); // the fake saw the client close the connection
            assertThat(client.idleConnections(URI.create(upstream.url("/")))).isZero();
            assertThat(text(post(client, upstream, "{}"))).hasSize(20000);
            assertThat(upstream.connections.get()).isEqualTo(2);
        }
    }

    /** The stream watchdog closes a silent stream's response from its own thread; the blocked reader must wake. */
    @Test
    void closingFromAnotherThreadWakesABlockedReader() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
            release.await(10, TimeUnit.SECONDS);
            return false;
        })) {
            UpstreamHttp.Response r = post(client(), upstream, "{}");
            InputStream body = r.body();
            assertThat(new String(body.readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("first");
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(200); // let the reader block first
                } catch (InterruptedException ignored) {
                    // closing earlier proves the same
                }
                r.close();
            });
            long start = System.nanoTime();
            assertThatThrownBy(() -> body.read(new byte[100])).isInstanceOf(IOException.class);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000L);
            release.countDown();
        }
    }

    @Test
    void idleConnectionsOlderThanTheLimitAreNotReused() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, RawUpstream.ok("{}"));
            return true;
        })) {
            LeanUpstreamHttp client = new LeanUpstreamHttp(SERVER, SSLContext.getDefault(), TimeUnit.MILLISECONDS.toNanos(50));
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("{}");
            Thread.sleep(120); // past the 50 ms idle limit
            assertThat(text(post(client, upstream, "{}"))).isEqualTo("{}");
            assertThat(upstream.connections.get()).isEqualTo(2);
            upstream.awaitClosed(1); // the old one was closed by the client, not left open
        }
    }

    @Test
    void aLargeBodyArrivesWhole() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, RawUpstream.ok("{\"got\":" + req.body().length + "}"));
            return true;
        })) {
            String big = "{\"x\":\"" + "y".repeat(300_000) + "\"}";
            assertThat(text(post(client(), upstream, big))).isEqualTo("{\"got\":" + big.length() + "}");
            assertThat(upstream.requests.get(0).bodyText()).isEqualTo(big);
        }
    }

    @Test
    void headerValuesCannotSplitTheRequest() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, RawUpstream.ok("{}"));
            return true;
        })) {
            URI uri = URI.create(upstream.url("/v1/x"));
            assertThatThrownBy(() -> client().post(uri, Map.of("X-Evil", "a\r\nHost: other"), "{}".getBytes(), 2000))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(upstream.requests).isEmpty();
        }
    }

    @Test
    void manyVirtualThreadsShareThePoolCorrectly() throws Exception {
        try (RawUpstream upstream = new RawUpstream((req, out) -> {
            RawUpstream.write(out, RawUpstream.ok(req.bodyText())); // echo: a mixed-up answer would show
            return true;
        })) {
            LeanUpstreamHttp client = client();
            int threads = 64;
            int perThread = 25;
            List<Future<Integer>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    results.add(pool.submit(() -> {
                        int ok = 0;
                        for (int i = 0; i < perThread; i++) {
                            String body = "{\"t\":" + id + ",\"i\":" + i + "}";
                            if (text(post(client, upstream, body)).equals(body)) ok++;
                        }
                        return ok;
                    }));
                }
            }
            for (Future<Integer> f : results) assertThat(f.get()).isEqualTo(perThread);
            assertThat(upstream.requests).hasSize(threads * perThread);
            assertThat(upstream.connections.get()).as("never more connections than callers").isBetween(1, threads);
            assertThat(client.idleConnections(URI.create(upstream.url("/")))).isEqualTo(upstream.connections.get());
        }
    }
}
