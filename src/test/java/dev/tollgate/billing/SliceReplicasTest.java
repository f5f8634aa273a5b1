package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.ledger.Balance;
import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three replicas (Gateway instances) on one PostgreSQL schema drain one account through credit slices:
 * every request's worst case equals its charge, so an account funded for exactly M requests serves
 * exactly M — none more (no overspend), none fewer (no credit stranded in another replica's slice) —
 * and ends at zero with nothing held.
 */
class SliceReplicasTest {
    /** input 0, output 2 USD per 1M tokens at 0.001 USD per credit: 2,000 µcr per output token. */
    static final String CONFIG = """
            server:
              upstream_timeout_ms: 20000
            limits: { default_rpm: 0 }
            providers:
              - name: fake
                type: openai
                base_url: ${UPSTREAM}
                api_key: sk-test-provider-key-1234567890
            models:
              - { name: exact, provider: fake, price: { input: 0, output: 2 } }
            """;
    /** The fake answers 3 completion tokens; max_tokens 3 makes the hold exactly the charge. */
    static final String BODY = "{\"model\":\"exact\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"drain\"}]}";
    static final long COST_MICROS = 3 * 2_000;
    static final int FUNDED_REQUESTS = 40;

    @TempDir
    Path dir;

    @Test
    void threeReplicasDrainOneAccountToExactlyZero() throws Exception {
        String storeUrl = TestDatabases.postgresUrl();
        List<TestGateway> replicas = new ArrayList<>();
        try (FakeOpenAi upstream = new FakeOpenAi()) {
            for (int i = 0; i < 3; i++) {
                Path d = Files.createDirectories(dir.resolve("r" + i));
                replicas.add(TestGateway.start(d, CONFIG, upstream.baseUrl(), storeUrl));
            }
            TestGateway first = replicas.get(0);
            String account = first.gateway.accounts().create("drained", null).id();
            first.gateway.ledger().grant("fund-drained", account, FUNDED_REQUESTS * COST_MICROS, null);
            String key = first.gateway.accounts().createKey(account, null, null, null).secret();

            AtomicInteger served = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Future<Integer>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 3 * FUNDED_REQUESTS; i++) {
                    TestGateway r = replicas.get(i % 3);
                    results.add(pool.submit(() -> {
                        int status = chat(r, key);
                        if (status == 200) served.incrementAndGet();
                        if (status == 402) refused.incrementAndGet();
                        return status;
                    }));
                }
                for (Future<Integer> f : results) assertThat(f.get()).isIn(200, 402);
            }
            assertThat(served.get()).as("exactly the funded requests are served").isEqualTo(FUNDED_REQUESTS);
            assertThat(refused.get()).isEqualTo(2 * FUNDED_REQUESTS);
            assertThat(upstream.requests).hasSize(FUNDED_REQUESTS);
            assertThat(slicesOpened(first)).as("requests were served from slices").isPositive();
            for (TestGateway r : replicas) {
                assertThat(r.gateway.ledger().balance(account).postedMicros()).isZero();
                assertThat(chat(r, key)).as("nothing left anywhere").isEqualTo(402);
            }
            assertThat(first.gateway.ledger().verify().ok()).isTrue();
        } finally {
            for (TestGateway r : replicas) r.close();
        }
    }

    /** The last credits sit in one replica's slice; a request on another replica is still served. */
    @Test
    void theLastWorstCaseIsServedWhereverItArrives() throws Exception {
        String storeUrl = TestDatabases.postgresUrl();
        List<TestGateway> replicas = new ArrayList<>();
        try (FakeOpenAi upstream = new FakeOpenAi()) {
            for (int i = 0; i < 3; i++) {
                Path d = Files.createDirectories(dir.resolve("r" + i));
                replicas.add(TestGateway.start(d, CONFIG, upstream.baseUrl(), storeUrl));
            }
            TestGateway first = replicas.get(0);
            String account = first.gateway.accounts().create("last", null).id();
            first.gateway.ledger().grant("fund-last", account, 20 * COST_MICROS, null);
            String key = first.gateway.accounts().createKey(account, null, null, null).secret();
            // Replica 0 takes a slice of 8 requests (half of what is unsliced) and serves 7 from it.
            for (int i = 0; i < 7; i++) assertThat(chat(first, key)).isEqualTo(200);
            Balance seenElsewhere = replicas.get(1).gateway.ledger().balance(account);
            assertThat(seenElsewhere).as("replica 0's slice shows as held elsewhere")
                    .isEqualTo(new Balance(13 * COST_MICROS, COST_MICROS));
            assertThat(first.gateway.ledger().balance(account)).as("and as available on replica 0")
                    .isEqualTo(new Balance(13 * COST_MICROS, 0));
            // The other replicas spend the rest with store holds (too little is left to slice).
            for (int i = 0; i < 6; i++) {
                assertThat(chat(replicas.get(1), key)).isEqualTo(200);
                assertThat(chat(replicas.get(2), key)).isEqualTo(200);
            }
            assertThat(chat(replicas.get(2), key)).as("served from the credit recalled from replica 0's slice")
                    .isEqualTo(200);
            assertThat(chat(replicas.get(1), key)).isEqualTo(402);
            assertThat(chat(first, key)).isEqualTo(402);
            assertThat(first.gateway.ledger().balance(account)).isEqualTo(new Balance(0, 0));
            assertThat(first.gateway.ledger().verify().ok()).isTrue();
        } finally {
            for (TestGateway r : replicas) r.close();
        }
        try (dev.tollgate.store.Database db = dev.tollgate.store.Database.open(storeUrl);
             Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ledger_slices WHERE status = 'open'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("every replica closed its slices when it stopped").isZero();
        }
    }

    static int chat(TestGateway r, String key) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(r.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        return TestGateway.send(req).statusCode();
    }

    static long slicesOpened(TestGateway g) throws Exception {
        try (Connection c = g.gateway.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ledger_slices")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
