package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.metering.OutputTokens;
import dev.tollgate.testing.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that goes away mid-stream: the gateway closes the upstream call at once (the slow upstream sees its
 * connection close long before its 40 chunks are out) and bills only the tokens written to the client
 * (counted, since the upstream never got to send usage).
 */
class ClientDisconnectTest {
    static final int CHUNKS = 40;
    static final long CHUNK_DELAY_MS = 100;
    static final String WORD = " hello";
    static final int READ_BEFORE_LEAVING = 3;

    @TempDir
    Path dir;
    HttpServer upstream;
    final AtomicInteger chunksSent = new AtomicInteger();
    final CountDownLatch upstreamSawClose = new CountDownLatch(1);
    TestGateway gw;

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/v1/chat/completions", this::slowStream);
        upstream.start();
        gw = TestGateway.start(dir, """
                server: { upstream_timeout_ms: 2000, stream_idle_timeout_ms: 2000 }
                credits: { usd_per_credit: 0.001 }
                providers:
                  - { name: slow, type: openai, base_url: "${UPSTREAM}", api_key: sk-test-provider-key-1234567890 }
                models:
                  - { name: slow-model, provider: slow, price: { input: 0, output: 1 } }
                """, "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1");
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.stop(0);
    }

    /** 40 one-word chunks, 100 ms apart (4 s in all), and no usage: the gateway must count. */
    private void slowStream(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                for (int i = 0; i < CHUNKS; i++) {
                    String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow-model\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + WORD + "\"},\"finish_reason\":null}]}";
                    out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    chunksSent.incrementAndGet();
                    Thread.sleep(CHUNK_DELAY_MS);
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedByTheGateway) {
                upstreamSawClose.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/v1/messages"})
    void theUpstreamIsClosedAtOnceAndOnlyWhatWasDeliveredIsBilled(String path) throws Exception {
        String body = path.equals("/v1/messages")
                ? "{\"model\":\"slow-model\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                : TestGateway.chat("slow-model", true);
        int received = readThenLeave(path, body);
        long leftAtNs = System.nanoTime();

        assertThat(upstreamSawClose.await(2, TimeUnit.SECONDS)).as("the upstream saw its connection close").isTrue();
        long closeAfterMs = (System.nanoTime() - leftAtNs) / 1_000_000;
        assertThat(closeAfterMs).as("closed within a few chunk intervals, not after the 4 s stream").isLessThan(1_000);
        assertThat(chunksSent.get()).as("the upstream stopped early").isLessThan(READ_BEFORE_LEAVING + 6);

        HistoryEntry charge = awaitCharge();
        long billedTokens = -charge.amountMicros() / 1_000; // input is free; 1 output token = 1,000 µcr here
        // What was written to the client is billed: the chunks it read, plus at most the one that its kernel
        // took before its reset came back (a write into a closed peer's socket succeeds once).
        assertThat(billedTokens).isBetween((long) OutputTokens.count(WORD.repeat(received), "slow-model"),
                (long) OutputTokens.count(WORD.repeat(received + 1), "slow-model"));
        assertThat(billedTokens).isLessThan(OutputTokens.count(WORD.repeat(CHUNKS), "slow-model"));
    }

    /** Sends the request on a raw socket, reads until {@value #READ_BEFORE_LEAVING} words arrived, closes it. */
    private int readThenLeave(String path, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", gw.server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + gw.key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (count(seen.toString(), "hello") < READ_BEFORE_LEAVING) {
                int n = in.read(buf);
                if (n < 0) throw new IOException("stream ended early: " + seen);
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            return count(seen.toString(), "hello");
        }
    }

    private static int count(String s, String word) {
        int n = 0;
        for (int i = s.indexOf(word); i >= 0; i = s.indexOf(word, i + 1)) n++;
        return n;
    }

    private HistoryEntry awaitCharge() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<HistoryEntry> charges = gw.gateway.ledger().history(gw.accountId, 10, null).data().stream()
                    .filter(e -> e.type().equals("charge")).toList();
            if (!charges.isEmpty()) {
                assertThat(charges).hasSize(1);
                return charges.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no charge within 5 s");
    }
}
