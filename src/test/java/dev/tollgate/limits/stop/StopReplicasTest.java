package dev.tollgate.limits.stop;

import static dev.tollgate.limits.stop.StopFixture.createStop;
import static dev.tollgate.limits.stop.StopFixture.error;
import static dev.tollgate.limits.stop.StopFixture.release;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.ledger.Balance;
import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stops live in the store: every replica on it applies them within a second, and a restart keeps them. */
class StopReplicasTest {
    @TempDir
    Path dir;
    FakeOpenAi upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeOpenAi();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    TestGateway gateway(String name, String storeUrl) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        return TestGateway.start(d, StopFixture.config("helidon"), upstream.baseUrl(), storeUrl);
    }

    /** Sends {@code chat("ok")} every 20 ms until the status matches; returns the ms it took, or fails after {@code limit}. */
    static long msUntil(TestGateway gw, String key, IntPredicate status, Duration limit) {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        while (true) {
            int s = gw.post("/v1/chat/completions", TestGateway.chat("ok", false), key).statusCode();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (status.test(s)) return ms;
            assertThat(System.nanoTime()).as("still %d after %d ms", s, ms).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void stopMadeOnOneReplicaHoldsOnTheOtherWithinASecondAndItsStreamsEnd() throws Exception {
        String store = TestDatabases.postgresUrl();
        try (TestGateway a = gateway("a", store); TestGateway b = gateway("b", store)) {
            assertThat(b.post("/v1/chat/completions", TestGateway.chat("ok", false), b.key).statusCode()).isEqualTo(200);
            StopFixture.OpenStream stream = new StopFixture.OpenStream(b, "/v1/chat/completions",
                    TestGateway.chat("stall-after-2", true), b.key);
            stream.readUntil("partial");

            stream.readToEndInBackground();
            JsonNode stop = createStop(a, "account", b.accountId, "made on replica a");
            long streamEndedMs = stream.msUntilEnd(System.nanoTime()); // from the 201 on a
            String body = stream.readToEnd(Duration.ofSeconds(1));
            assertThat(streamEndedMs).as("b's stream ended %d ms after the stop on a", streamEndedMs).isLessThan(1_000);
            assertThat(body).contains("emergency_stop").contains("made on replica a");
            long refusedMs = msUntil(b, b.key, s -> s == 503, Duration.ofSeconds(1));
            HttpResponse<String> refused = b.post("/v1/chat/completions", TestGateway.chat("ok", false), b.key);
            assertThat(error(refused).path("message").asText()).contains("made on replica a");
            assertThat(b.gateway.ledger().balance(b.accountId).heldMicros()).isZero();
            assertThat(a.post("/v1/chat/completions", TestGateway.chat("ok", false), a.key).statusCode())
                    .as("a's own account is not stopped").isEqualTo(200);

            release(a, stop.path("id").asText());
            long releasedMs = msUntil(b, b.key, s -> s == 200, Duration.ofSeconds(1));
            System.out.printf("stop on a → b's stream ended after %d ms, b refused after %d ms, release seen after %d ms%n",
                    streamEndedMs, refusedMs, releasedMs);
        }
    }

    @Test
    void stopSurvivesARestartAndIsEnforcedFromTheFirstRequest() throws Exception {
        String store = "jdbc:sqlite:" + dir.resolve("shared.db");
        String stopId;
        try (TestGateway first = gateway("first", store)) {
            stopId = createStop(first, "global", null, "maintenance window").path("id").asText();
        }
        try (TestGateway again = gateway("again", store)) {
            HttpResponse<String> res = again.post("/v1/chat/completions", TestGateway.chat("ok", false), again.key);
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(error(res).path("message").asText()).contains("maintenance window");
            assertThat(upstream.requests).isEmpty();
            assertThat(again.gateway.ledger().balance(again.accountId)).isEqualTo(new Balance(TestGateway.FUNDING_MICROS, 0));
            release(again, stopId);
            assertThat(again.post("/v1/chat/completions", TestGateway.chat("ok", false), again.key).statusCode()).isEqualTo(200);
        }
    }
}
