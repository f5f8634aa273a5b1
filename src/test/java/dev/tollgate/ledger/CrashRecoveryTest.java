package dev.tollgate.ledger;

import static dev.tollgate.ledger.LedgerHarness.CREDIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A process that dies with holds open leaks nothing: another process expires them. */
class CrashRecoveryTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Store.class)
    void holdsLeftOpenByAStoppedInstanceAreReleasedByAnotherAfterExpiry(Store store) {
        MutableClock clock = new MutableClock();
        String url;
        try (Database dbA = store.open(tmp); Ledger a = new Ledger(dbA, clock, LedgerOptions.defaults())) {
            url = dbA.url();
            a.grant("g", "acct_a", 10 * CREDIT, null);
            for (int i = 0; i < 3; i++) a.hold("crash" + i, "acct_a", 2 * CREDIT, Duration.ofMinutes(2));
        } // closed without settling or releasing: as if the process had died mid-request

        try (Database dbB = Database.open(url); Ledger b = new Ledger(dbB, clock, LedgerOptions.defaults())) {
            assertThat(b.balance("acct_a")).isEqualTo(new Balance(10 * CREDIT, 6 * CREDIT));
            assertThat(b.releaseExpiredHolds()).isZero();

            clock.advance(Duration.ofMinutes(2));

            assertThat(b.releaseExpiredHolds()).isEqualTo(3);
            assertThat(b.balance("acct_a")).isEqualTo(new Balance(10 * CREDIT, 0));
            VerifyReport report = b.verify();
            assertThat(report.problems()).isEmpty();
            assertThat(report.openHolds()).isZero();
            assertThat(report.holds()).isEqualTo(3);
        }
    }
}
