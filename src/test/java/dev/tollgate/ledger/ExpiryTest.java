package dev.tollgate.ledger;

import static dev.tollgate.ledger.LedgerHarness.CREDIT;
import static dev.tollgate.ledger.LedgerHarness.details;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 1, expiry: an open hold past its expiry is released exactly once, driven by the clock. */
class ExpiryTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Store.class)
    void expiredHoldsAreReleasedOnceAndOnlyAfterTheirExpiry(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g1", "acct_a", 10 * CREDIT, null);
            h.ledger.hold("short", "acct_a", 2 * CREDIT, Duration.ofMinutes(1));
            h.ledger.hold("long", "acct_a", 3 * CREDIT, Duration.ofMinutes(5));

            assertThat(h.ledger.releaseExpiredHolds()).isZero();
            h.clock.advance(Duration.ofMinutes(1));
            assertThat(h.ledger.releaseExpiredHolds()).isEqualTo(1);
            assertThat(h.ledger.releaseExpiredHolds()).isZero();

            assertThat(h.ledger.balance("acct_a")).isEqualTo(new Balance(10 * CREDIT, 3 * CREDIT));
            assertThat(h.ledger.hold("short", "acct_a", 2 * CREDIT, Duration.ofMinutes(1)).status())
                    .isEqualTo(HoldStatus.EXPIRED);
            h.ledger.release("short");
            assertThat(h.ledger.balance("acct_a").heldMicros()).isEqualTo(3 * CREDIT);
            assertThat(h.ledger.verify().ok()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void settlingAnExpiredHoldChargesWhatTheBalanceCoversOnce(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g1", "acct_a", 3 * CREDIT, null);
            h.ledger.hold("r:hold", "acct_a", 2 * CREDIT, Duration.ofMinutes(1));
            h.clock.advance(Duration.ofMinutes(2));
            h.ledger.releaseExpiredHolds();

            Settlement s = h.ledger.settle("r:hold", 4 * CREDIT, details("r"));
            Settlement again = h.ledger.settle("r:hold", 4 * CREDIT, details("r"));

            assertThat(s.late()).isTrue();
            assertThat(s.postedMicros()).isEqualTo(3 * CREDIT);
            assertThat(s.shortfallMicros()).isEqualTo(CREDIT);
            assertThat(again).isEqualTo(s);
            assertThat(h.ledger.balance("acct_a")).isEqualTo(new Balance(0, 0));
            assertThat(h.ledger.verify().problems()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void theWriterSweepsExpiredHoldsOnItsOwn(Store store) throws InterruptedException {
        LedgerOptions fastSweep = LedgerOptions.defaults().withExpirySweepInterval(Duration.ofMillis(5));
        try (LedgerHarness h = new LedgerHarness(store, tmp, fastSweep)) {
            h.ledger.grant("g1", "acct_a", 10 * CREDIT, null);
            h.ledger.hold("r:hold", "acct_a", 2 * CREDIT, Duration.ofSeconds(30));
            h.clock.advance(Duration.ofSeconds(31));

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (h.ledger.balance("acct_a").heldMicros() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5); // polling for the condition, bounded by the deadline
            }
            assertThat(h.ledger.balance("acct_a")).isEqualTo(new Balance(10 * CREDIT, 0));
        }
    }
}
