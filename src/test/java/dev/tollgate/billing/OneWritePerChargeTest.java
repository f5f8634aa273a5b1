package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.ledger.Ledger;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The billed hot path with credit slices: one request after another (concurrency 1, nothing to
 * batch), each billed request costs one ledger transaction — its charge — instead of two (hold, then
 * settle). The slice's first grow and the lease renewals are the only other transactions.
 */
class OneWritePerChargeTest {
    static final int REQUESTS = 20;

    @TempDir
    Path dir;

    @Test
    void aBilledRequestIsOneLedgerTransactionAtConcurrencyOne() throws Exception {
        try (FakeOpenAi upstream = new FakeOpenAi();
             TestGateway gw = TestGateway.start(dir, TestGateway.openAiConfig("ok"), upstream.baseUrl())) {
            assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
            Ledger ledger = gw.gateway.ledger();
            long batches = ledger.batchesCommitted();
            long ops = ledger.operationsCommitted();
            long started = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L + 1;
            long renewals = seconds + 1; // the replica's lease, renewed through the writer about once a second
            assertThat(ledger.operationsCommitted() - ops).as("one charge per request, plus lease renewals")
                    .isBetween((long) REQUESTS, REQUESTS + renewals)
                    .isLessThan(2L * REQUESTS); // a hold and a settle each would be 2 per request
            assertThat(ledger.batchesCommitted() - batches).isLessThanOrEqualTo(REQUESTS + renewals);
            assertThat(ledger.openHolds()).isZero();
            assertThat(ledger.verify().ok()).isTrue();
        }
    }

    /** credits.durability: async changes when the disk is waited for, nothing else: same charges, verify ok. */
    @Test
    void asyncDurabilityChargesTheSame() throws Exception {
        try (FakeOpenAi upstream = new FakeOpenAi();
             TestGateway gw = TestGateway.start(dir, "credits: { durability: async }\n" + TestGateway.openAiConfig("ok"),
                     upstream.baseUrl())) {
            long before = gw.gateway.ledger().balance(gw.accountId).postedMicros();
            for (int i = 0; i < 3; i++) {
                assertThat(gw.post("/v1/chat/completions", TestGateway.chat("ok", false), gw.key).statusCode()).isEqualTo(200);
            }
            assertThat(before - gw.gateway.ledger().balance(gw.accountId).postedMicros()).isEqualTo(3 * (12 * 1000 + 3 * 2000L));
            assertThat(gw.gateway.ledger().verify().ok()).isTrue();
        }
    }
}
