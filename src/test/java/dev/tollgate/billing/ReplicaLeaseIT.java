package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.GatewayProcess;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 a gateway process while its requests hold credits — in its slice (a rich account) and as
 * store holds (an account too poor to slice) — and a live replica on the same PostgreSQL releases
 * them once the dead replica's lease lapses: seconds, not credits.hold_ttl_ms (15 minutes here).
 */
class ReplicaLeaseIT {
    static final long LEASE_MS = 2_000;
    static final String CONFIG = """
            credits: { replica_lease_ms: 2000 }
            server:
              upstream_timeout_ms: 30000
            limits: { default_rpm: 0 }
            providers:
              - name: fake
                type: openai
                base_url: ${UPSTREAM}
                api_key: sk-test-provider-key-1234567890
            models:
              - { name: gated, provider: fake, price: { input: 1, output: 2 } }
            """;
    static final String BODY = "{\"model\":\"gated\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hold\"}]}";

    @TempDir
    Path dir;

    @Test
    void aKilledReplicasSliceAndHoldsAreReleasedByALiveReplicaWithinSeconds() throws Exception {
        String storeUrl = TestDatabases.postgresUrl();
        try (FakeOpenAi upstream = new FakeOpenAi(); ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
             TestGateway live = TestGateway.start(Files.createDirectories(dir.resolve("live")), CONFIG,
                     upstream.baseUrl(), storeUrl)) {
            Path config = dir.resolve("victim.yaml");
            Files.writeString(config, CONFIG.replace("${UPSTREAM}", upstream.baseUrl()));
            String rich = live.gateway.accounts().create("rich", null).id();
            live.gateway.ledger().grant("fund-rich", rich, 1_000_000_000L, null);
            String poor = live.gateway.accounts().create("poor", null).id();
            live.gateway.ledger().grant("fund-poor", poor, 1_000_000L, null); // ~8 worst cases: below the slice floor
            String richKey = live.gateway.accounts().createKey(rich, null, null, null).secret();
            String poorKey = live.gateway.accounts().createKey(poor, null, null, null).secret();

            GatewayProcess victim = GatewayProcess.start(config, dir.resolve("victim"), Map.of("TOLLGATE_DB_URL", storeUrl));
            long killedAtNs;
            try {
                for (int i = 0; i < 3; i++) {
                    clients.submit(() -> chat(victim, richKey));
                    clients.submit(() -> chat(victim, poorKey));
                }
                assertThat(Credits.eventually(Duration.ofSeconds(20), () -> upstream.requests.size() == 6)).isTrue();
                assertThat(live.gateway.ledger().balance(rich).heldMicros()).as("the victim's slice").isPositive();
                assertThat(live.gateway.ledger().balance(poor).heldMicros()).as("the victim's store holds").isPositive();
            } finally {
                victim.kill();
                killedAtNs = System.nanoTime();
            }
            assertThat(Credits.eventually(Duration.ofSeconds(15), () -> live.gateway.ledger().balance(rich).heldMicros() == 0
                    && live.gateway.ledger().balance(poor).heldMicros() == 0))
                    .as("released by the live replica once the lease lapsed").isTrue();
            long releasedMs = (System.nanoTime() - killedAtNs) / 1_000_000;
            System.out.println("ReplicaLeaseIT: kill -9 to credits released: " + releasedMs + " ms (lease " + LEASE_MS + " ms)");
            assertThat(releasedMs).as("a lease and a sweep, not the hold TTL").isLessThan(LEASE_MS + 5_000);
            assertThat(live.gateway.ledger().balance(rich).postedMicros()).isEqualTo(1_000_000_000L);
            assertThat(live.gateway.ledger().balance(poor).postedMicros()).isEqualTo(1_000_000L);
            assertThat(live.gateway.ledger().verify().ok()).isTrue();
            upstream.gate.countDown();
        }
    }

    static int chat(GatewayProcess g, String key) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(g.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        try {
            return TestGateway.send(req).statusCode();
        } catch (RuntimeException e) {
            return -1; // the victim died under it
        }
    }
}
