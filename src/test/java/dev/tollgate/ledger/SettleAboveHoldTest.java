package dev.tollgate.ledger;

import static dev.tollgate.ledger.LedgerHarness.CREDIT;
import static dev.tollgate.ledger.LedgerHarness.TTL;
import static dev.tollgate.ledger.LedgerHarness.details;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Usage above the hold (tokenizer mismatch) is charged while the balance covers it, never below zero. */
class SettleAboveHoldTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Store.class)
    void excessCoveredByTheBalanceIsCharged(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g1", "acct_a", 10 * CREDIT, null);
            h.ledger.hold("r:hold", "acct_a", 2 * CREDIT, TTL);

            Settlement s = h.ledger.settle("r:hold", 3 * CREDIT, details("r"));

            assertThat(s.postedMicros()).isEqualTo(3 * CREDIT);
            assertThat(s.shortfallMicros()).isZero();
            assertThat(h.ledger.balance("acct_a")).isEqualTo(new Balance(7 * CREDIT, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void excessBeyondTheBalanceStopsAtZeroAndReportsTheShortfall(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g1", "acct_a", 5 * CREDIT, null);
            h.ledger.hold("r1:hold", "acct_a", 2 * CREDIT, TTL);
            h.ledger.hold("r2:hold", "acct_a", 2 * CREDIT, TTL); // another request's reservation is untouchable

            Settlement s = h.ledger.settle("r1:hold", 4 * CREDIT, details("r1"));

            assertThat(s.postedMicros()).isEqualTo(3 * CREDIT);
            assertThat(s.shortfallMicros()).isEqualTo(CREDIT);
            assertThat(h.ledger.balance("acct_a")).isEqualTo(new Balance(2 * CREDIT, 2 * CREDIT));
            assertThat(h.ledger.balance("acct_a").availableMicros()).isZero();
            assertThat(h.ledger.verify().ok()).isTrue();
        }
    }
}
