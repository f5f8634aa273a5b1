package dev.tollgate.ledger;

import dev.tollgate.store.Database;
import java.nio.file.Path;
import java.time.Duration;

/** One store, one clock, one ledger: closed together at the end of a test. */
final class LedgerHarness implements AutoCloseable {
    static final long CREDIT = 1_000_000L;
    static final Duration TTL = Duration.ofMinutes(10);

    final Database db;
    final MutableClock clock = new MutableClock();
    final Ledger ledger;

    LedgerHarness(Store store, Path tempDir) {
        this(store, tempDir, LedgerOptions.defaults());
    }

    LedgerHarness(Store store, Path tempDir, LedgerOptions options) {
        this.db = store.open(tempDir);
        this.ledger = new Ledger(db, clock, options);
    }

    static ChargeDetails details(String requestId) {
        return new ChargeDetails(requestId, "mock-small", "mock", "pb-1", 100, 10, 50, 5);
    }

    long available(String account) {
        return ledger.balance(account).availableMicros();
    }

    @Override
    public void close() {
        ledger.close();
        db.close();
    }
}
