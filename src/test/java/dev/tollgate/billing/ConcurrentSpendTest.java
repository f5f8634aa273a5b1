package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.account.Accounts;
import dev.tollgate.ledger.Balance;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.ledger.LedgerOptions;
import dev.tollgate.metering.Cost;
import dev.tollgate.metering.PriceBook;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.Credits;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.GatewayProcess;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An account funded for exactly k worst-case requests gets N ≫ k at once: exactly k are served,
 * the rest get 402, available never goes below zero, and the ledger verifies. The upstream holds
 * the k admitted requests at a gate until every refusal is in, so the outcome does not depend on timing.
 */
class ConcurrentSpendTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int N = 30;
    static final int K = 7;
    /** The gate holds admitted calls until every refusal is in: on a loaded machine that takes longer than the
     *  test config's 2 s upstream timeout, whose retry would reach the upstream a second time. */
    static final String CONFIG = TestGateway.openAiConfig("gated").replace("upstream_timeout_ms: 2000", "upstream_timeout_ms: 60000");
    static final String BODY = "{\"model\":\"gated\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"race me\"}]}";

    @TempDir
    Path dir;

    @Test
    void sqlite() throws Exception {
        inProcess(TestDatabases.sqliteUrl(dir));
    }

    @Test
    void postgres() throws Exception {
        inProcess(TestDatabases.postgresUrl());
    }

    void inProcess(String storeUrl) throws Exception {
        try (FakeOpenAi upstream = new FakeOpenAi();
             TestGateway gw = TestGateway.start(dir, CONFIG, upstream.baseUrl(), storeUrl)) {
            String account = gw.gateway.accounts().create("racer", null).id();
            long worstCase = worstCase(gw.gateway.config());
            gw.gateway.ledger().grant("fund", account, K * worstCase, null);
            String key = gw.gateway.accounts().createKey(account, null, null, null).secret();
            race(List.of(gw.baseUrl()), key, upstream, () -> gw.gateway.ledger().balance(account));
            assertThat(gw.gateway.ledger().verify().ok()).isTrue();
            assertThat(gw.gateway.ledger().balance(account))
                    .isEqualTo(new Balance(K * worstCase - K * (12 * 1000 + 3 * 2000L), 0));
        }
    }

    /** Three gateway processes, one PostgreSQL: the limit is global, not per replica. */
    @Test
    void threeProcessesOnOnePostgres() throws Exception {
        String storeUrl = TestDatabases.postgresUrl();
        try (FakeOpenAi upstream = new FakeOpenAi(); Database db = Database.open(storeUrl);
             Ledger ledger = new Ledger(db, Clock.systemUTC(), LedgerOptions.defaults())) {
            Path config = dir.resolve("tollgate.yaml");
            Files.writeString(config, CONFIG.replace("${UPSTREAM}", upstream.baseUrl()));
            Accounts accounts = new Accounts(db, Clock.systemUTC(), Duration.ZERO);
            String account = accounts.create("racer", null).id();
            long worstCase = worstCase(new dev.tollgate.config.ConfigLoader(Map.of()).load(config));
            ledger.grant("fund", account, K * worstCase, null);
            String key = accounts.createKey(account, null, null, null).secret();
            List<GatewayProcess> gateways = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    gateways.add(GatewayProcess.start(config, dir.resolve("data" + i), Map.of("TOLLGATE_DB_URL", storeUrl)));
                }
                race(gateways.stream().map(GatewayProcess::baseUrl).toList(), key, upstream, () -> ledger.balance(account));
            } finally {
                for (GatewayProcess g : gateways) g.close();
            }
            assertThat(ledger.verify().ok()).isTrue();
            assertThat(ledger.balance(account)).isEqualTo(new Balance(K * worstCase - K * (12 * 1000 + 3 * 2000L), 0));
        }
    }

    static long worstCase(dev.tollgate.config.TollgateConfig config) throws Exception {
        return Cost.worstCaseMicros(new PriceBook(config).price("gated"), PromptTokens.upperBound(JSON.readTree(BODY), "gated"), 50);
    }

    static void race(List<String> baseUrls, String key, FakeOpenAi upstream, java.util.function.Supplier<Balance> balance)
            throws Exception {
        ConcurrentLinkedQueue<Integer> refused = new ConcurrentLinkedQueue<>();
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < N; i++) {
                String base = baseUrls.get(i % baseUrls.size());
                results.add(pool.submit(() -> {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
                    int status = TestGateway.send(req).statusCode();
                    if (status == 402) refused.add(status);
                    return status;
                }));
            }
            assertThat(Credits.eventually(Duration.ofSeconds(30), () -> refused.size() == N - K && upstream.requests.size() == K))
                    .as("refused=%d admitted=%d", refused.size(), upstream.requests.size()).isTrue();
            Balance during = balance.get();
            assertThat(during.availableMicros()).as("all credits are held, none beyond").isZero();
            upstream.gate.countDown();
            int served = 0;
            for (Future<Integer> f : results) {
                int status = f.get();
                assertThat(status).isIn(200, 402);
                if (status == 200) served++;
            }
            assertThat(served).isEqualTo(K);
        }
        assertThat(upstream.requests).hasSize(K);
    }
}
