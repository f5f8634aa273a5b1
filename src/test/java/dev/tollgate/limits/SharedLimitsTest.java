package dev.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.account.LimitOverrides;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.store.TestDatabases;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestClock;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance check of issue 10 for rate limits: two gateways on one PostgreSQL schema and one Redis
 * (127.0.0.1:6379) enforce one key's limits together. rpm 30 hit by 100 concurrent requests across both admits
 * 30 ± 2 (not 60); tpm admits what one bucket holds; max_parallel 3 lets exactly 3 requests in flight across
 * both. Redis time is real, so the tolerance covers the refill during the run (one request per 2 s at rpm 30).
 * Redis keys are named after fresh random key ids, so runs never share a bucket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // two gateways for the class; each test makes its own key
class SharedLimitsTest {
    static final String REDIS = "redis://127.0.0.1:6379";

    @TempDir
    static Path dir;
    FakeOpenAi upstream;
    TestGateway one;
    TestGateway two;

    @BeforeAll
    void start() throws Exception {
        upstream = new FakeOpenAi();
        String yaml = "redis: " + REDIS + "\n" + TestGateway.openAiConfig("ok", "gated") + "limits: { default_rpm: 0, redis_timeout_ms: 5000 }\n"
                + "plans: { team: { monthly: { messages: 30 } } }\n";
        String store = TestDatabases.postgresUrl();
        one = gateway("one", yaml, store);
        two = gateway("two", yaml, store);
    }

    TestGateway gateway(String name, String yaml, String store) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        TestClock clock = new TestClock(); // backoff only: Redis keeps the time of the buckets
        return TestGateway.start(d, yaml, upstream.baseUrl(), store, clock, clock.sleeper());
    }

    @AfterAll
    void stop() {
        one.close();
        two.close();
        upstream.close();
    }

    String key(LimitOverrides limits) {
        assertThat(one.gateway.guard().rates().kind()).isEqualTo("redis");
        return one.gateway.accounts().createKeyWithLimits(one.accountId, "shared", limits, null).secret();
    }

    /** {@code total} requests spread over both gateways, 16 at a time; the count answered 200. */
    int admitted(String key, String body, int total) throws Exception {
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < total; i++) {
                TestGateway gw = i % 2 == 0 ? one : two;
                answers.add(pool.submit(() -> gw.post("/v1/chat/completions", body, key)));
            }
        }
        int ok = 0;
        for (Future<HttpResponse<String>> a : answers) {
            int status = a.get().statusCode();
            assertThat(status).isIn(200, 429);
            if (status == 200) ok++;
        }
        return ok;
    }

    @Test
    void rpm30Hit100TimesAcrossTwoReplicasAdmits30() throws Exception {
        String key = key(new LimitOverrides(30, null, null, null));
        int calledBefore = upstream.calls("ok");
        int ok = admitted(key, TestGateway.chat("ok", false), 100);
        assertThat(ok).isBetween(30, 32);
        assertThat(upstream.calls("ok") - calledBefore).isEqualTo(ok);
    }

    @Test
    void tpmIsOneBucketForBothReplicas() throws Exception {
        String body = "{\"model\":\"ok\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
        long worst = PromptTokens.upperBound(new com.fasterxml.jackson.databind.ObjectMapper().readTree(body)) + 20;
        int tpm = (int) (4 * worst); // room for 4 worst cases at once
        String key = key(new LimitOverrides(null, tpm, null, null));
        int ok = 0;
        for (int i = 0; i < 24; i++) { // one at a time: each admitted request settles to the fake's 15 tokens first
            if ((i % 2 == 0 ? one : two).post("/v1/chat/completions", body, key).statusCode() == 200) ok++;
        }
        // k requests settled at 15 tokens each, then one more fits while tpm - 15k >= worst
        int expected = (int) ((tpm - worst) / 15) + 1;
        assertThat(ok).isBetween(expected, expected + 2);
        assertThat(ok).isLessThan(24);
    }

    @Test
    void aPlansMonthlyMessagesAndSpendBudgetNeverOvershootUnderConcurrencyAcrossReplicas() throws Exception {
        String account = one.gateway.accounts().create("quota-" + UUID.randomUUID(), "team").id();
        one.gateway.ledger().grant("fund:" + account, account, TestGateway.FUNDING_MICROS, "test");
        String key = one.gateway.accounts().createKey(account, "k", null, null).secret();
        int ok = admitted(key, TestGateway.chat("ok", false), 100);
        assertThat(ok).as("exactly the plan's 30 messages").isEqualTo(30);

        // 0.5 credits a month: each request holds its worst case, so concurrency cannot push the spend over it
        String rich = one.gateway.accounts().create("budget-" + UUID.randomUUID(), null).id();
        one.gateway.ledger().grant("fund:" + rich, rich, TestGateway.FUNDING_MICROS, "test");
        one.gateway.accounts().updateAccount(rich, java.util.Map.of("monthly_budget", 500_000L));
        String spender = one.gateway.accounts().createKey(rich, "k", null, null).secret();
        String body = "{\"model\":\"ok\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        int spent = admitted(spender, body, 100);
        long charged = TestGateway.FUNDING_MICROS - one.gateway.ledger().balance(rich).postedMicros();
        assertThat(charged).isPositive().isLessThanOrEqualTo(500_000L);
        assertThat(spent).isBetween(2, 99);
    }

    @Test
    void maxParallel3IsThreeInFlightAcrossBothReplicas() throws Exception {
        String key = key(new LimitOverrides(null, null, 3, null));
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 10; i++) {
                TestGateway gw = i % 2 == 0 ? one : two;
                answers.add(pool.submit(() -> gw.post("/v1/chat/completions", TestGateway.chat("gated", false), key)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (answers.stream().filter(Future::isDone).count() < 7 || upstream.calls("gated") < 3) {
                if (System.nanoTime() > deadline) throw new AssertionError("not 3 in flight and 7 refused");
                Thread.sleep(10);
            }
            assertThat(upstream.calls("gated")).isEqualTo(3);
            upstream.gate.countDown();
        }
        long ok = answers.stream().filter(a -> a.resultNow().statusCode() == 200).count();
        long limited = answers.stream().filter(a -> a.resultNow().statusCode() == 429).count();
        assertThat(ok).isEqualTo(3);
        assertThat(limited).isEqualTo(7);
        assertThat(one.post("/v1/chat/completions", TestGateway.chat("ok", false), key).statusCode())
                .as("every slot came back").isEqualTo(200);
    }
}
