package dev.tollgate.ledger;

import static dev.tollgate.ledger.LedgerHarness.CREDIT;
import static dev.tollgate.ledger.LedgerHarness.TTL;
import static dev.tollgate.ledger.LedgerHarness.details;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import dev.tollgate.store.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rule 3: available never goes below zero, whatever the concurrency. An account funded for exactly
 * K worst-case requests meets N ≫ K concurrent requests: exactly K are served.
 */
class ConcurrencyTest {
    private static final int K = 25;
    private static final int N = 400;
    private static final long WORST = 3 * CREDIT;

    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Store.class)
    void exactlyKOfNConcurrentRequestsAreServed(Store store) throws Exception {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            race(List.of(h.ledger), h.ledger);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void threeProcessesOnOneStoreNeverOvershoot(Store store) throws Exception {
        String url = store == Store.POSTGRES ? TestDatabases.postgresUrl() : "jdbc:sqlite:" + tmp.resolve("shared.db");
        MutableClock clock = new MutableClock();
        List<Database> dbs = new ArrayList<>();
        List<Ledger> ledgers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                dbs.add(Database.open(url));
                ledgers.add(new Ledger(dbs.get(i), clock, LedgerOptions.defaults()));
            }
            race(ledgers, ledgers.get(0));
        } finally {
            ledgers.forEach(Ledger::close);
            dbs.forEach(Database::close);
        }
    }

    private static void race(List<Ledger> ledgers, Ledger checker) throws Exception {
        checker.grant("fund", "acct_race", K * WORST, null);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicLong minAvailable = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean running = new AtomicBoolean(true);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> monitor = pool.submit(() -> {
                while (running.get()) minAvailable.accumulateAndGet(checker.balance("acct_race").availableMicros(), Math::min);
            });
            List<Future<?>> requests = new ArrayList<>();
            try {
                for (int i = 0; i < N; i++) requests.add(pool.submit(request(ledgers.get(i % ledgers.size()), i, served, refused)));
                for (Future<?> f : requests) f.get(60, TimeUnit.SECONDS);
            } finally {
                running.set(false); // a failed request must not leave the monitor spinning forever
            }
            monitor.get(60, TimeUnit.SECONDS);
        }
        assertThat(served.get()).isEqualTo(K);
        assertThat(refused.get()).isEqualTo(N - K);
        assertThat(minAvailable.get()).isGreaterThanOrEqualTo(0);
        assertThat(checker.balance("acct_race")).isEqualTo(new Balance(0, 0));
        assertThat(checker.history("acct_race", 1000, null).data()).hasSize(K + 1);
        VerifyReport report = checker.verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.transfers()).isEqualTo(K + 1);
    }

    /** One gateway request: reserve the worst case, then charge all of it. */
    private static Runnable request(Ledger ledger, int i, AtomicInteger served, AtomicInteger refused) {
        String id = "req" + i + ":hold";
        return () -> {
            try {
                ledger.hold(id, "acct_race", WORST, TTL);
            } catch (InsufficientCreditsException e) {
                refused.incrementAndGet();
                return;
            }
            ledger.settle(id, WORST, details(id));
            served.incrementAndGet();
        };
    }
}
