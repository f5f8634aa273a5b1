package dev.tollgate.ledger;

import static dev.tollgate.ledger.LedgerHarness.CREDIT;
import static dev.tollgate.ledger.LedgerHarness.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 4: operations share transactions, a failing one does not fail its neighbours, close drains. */
class GroupCommitTest {
    private static final int OPS = 60;

    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Store.class)
    void failingOperationsDoNotFailTheOthersInTheirBatch(Store store) throws Exception {
        // A long linger puts all concurrent operations into one or two transactions.
        LedgerOptions lingering = new LedgerOptions(Duration.ofMillis(300), 512, 1024, Duration.ofMinutes(1), 512);
        try (LedgerHarness h = new LedgerHarness(store, tmp, lingering)) {
            h.ledger.grant("taken", "acct_x", CREDIT, null);
            long batchesBefore = h.ledger.batchesCommitted();
            List<Future<String>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < OPS; i++) {
                    int n = i;
                    results.add(pool.submit(() -> switch (n % 3) {
                        case 0 -> outcome(() -> h.ledger.grant("g" + n, "acct_" + n, CREDIT, null));
                        case 1 -> outcome(() -> h.ledger.hold("h" + n, "acct_empty", CREDIT, TTL));
                        default -> outcome(() -> h.ledger.grant("taken", "acct_y" + n, CREDIT, null));
                    }));
                }
            }
            for (int i = 0; i < OPS; i++) {
                String expected = switch (i % 3) {
                    case 0 -> "ok";
                    case 1 -> "InsufficientCreditsException";
                    default -> "IdempotencyConflictException";
                };
                assertThat(results.get(i).get()).as("operation %d", i).isEqualTo(expected);
            }
            assertThat(h.ledger.batchesCommitted() - batchesBefore).isLessThanOrEqualTo(OPS / 4); // 60 operations, a handful of transactions
            assertThat(h.ledger.balance("acct_0").postedMicros()).isEqualTo(CREDIT);
            assertThat(h.ledger.verify().problems()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void closeCommitsWhatIsQueuedAndRefusesTheRest(Store store) throws Exception {
        LedgerHarness h = new LedgerHarness(store, tmp);
        List<Future<String>> results = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(OPS);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < OPS; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    started.countDown();
                    return outcome(() -> h.ledger.grant("g" + n, "acct_a", 1, null));
                }));
            }
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            h.ledger.close();
        }
        long committed = 0;
        for (Future<String> f : results) {
            String r = f.get(10, TimeUnit.SECONDS);
            assertThat(r).isIn("ok", "IllegalStateException");
            if (r.equals("ok")) committed++;
        }
        assertThat(h.ledger.balance("acct_a").postedMicros()).isEqualTo(committed);
        assertThat(h.ledger.verify().problems()).isEmpty();
        h.db.close();
    }

    private static String outcome(Runnable op) {
        try {
            op.run();
            return "ok";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }
}
