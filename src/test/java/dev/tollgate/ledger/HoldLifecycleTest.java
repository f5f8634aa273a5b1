package dev.tollgate.ledger;

import static dev.tollgate.ledger.LedgerHarness.CREDIT;
import static dev.tollgate.ledger.LedgerHarness.TTL;
import static dev.tollgate.ledger.LedgerHarness.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 1: a hold resolves exactly once; retries of settle/release are no-ops with the same result. */
class HoldLifecycleTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Store.class)
    void holdReservesAndSettleBelowHoldPostsActualAndReleasesTheRest(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g1", "acct_a", 10 * CREDIT, "top-up");
            Hold hold = h.ledger.hold("req1:hold", "acct_a", 4 * CREDIT, TTL);
            assertThat(hold.status()).isEqualTo(HoldStatus.OPEN);
            assertThat(h.ledger.balance("acct_a")).isEqualTo(new Balance(10 * CREDIT, 4 * CREDIT));

            Settlement s = h.ledger.settle("req1:hold", 3 * CREDIT, details("req1"));

            assertThat(s.postedMicros()).isEqualTo(3 * CREDIT);
            assertThat(s.releasedMicros()).isEqualTo(CREDIT);
            assertThat(s.shortfallMicros()).isZero();
            assertThat(s.balanceAfterMicros()).isEqualTo(7 * CREDIT);
            assertThat(h.ledger.balance("acct_a")).isEqualTo(new Balance(7 * CREDIT, 0));
            assertThat(h.ledger.balance(SystemAccounts.REVENUE).postedMicros()).isEqualTo(3 * CREDIT);
            assertThat(h.ledger.verify().problems()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void settleRetryReturnsTheSameResultAndChargesOnce(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g1", "acct_a", 10 * CREDIT, null);
            h.ledger.hold("r:hold", "acct_a", 2 * CREDIT, TTL);
            Settlement first = h.ledger.settle("r:hold", CREDIT, details("r"));
            Settlement again = h.ledger.settle("r:hold", CREDIT, details("r"));
            h.ledger.release("r:hold"); // a finally-block release after settle changes nothing

            assertThat(again).isEqualTo(first);
            assertThat(h.ledger.balance("acct_a")).isEqualTo(new Balance(9 * CREDIT, 0));
            assertThatThrownBy(() -> h.ledger.settle("r:hold", 2 * CREDIT, details("r")))
                    .isInstanceOf(IdempotencyConflictException.class);
            assertThat(h.ledger.verify().ok()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void releaseVoidsOnceAndSettleAfterReleaseIsAConflict(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g1", "acct_a", 5 * CREDIT, null);
            h.ledger.hold("r:hold", "acct_a", 5 * CREDIT, TTL);
            h.ledger.release("r:hold");
            h.ledger.release("r:hold");
            h.ledger.release("never-placed");

            assertThat(h.ledger.balance("acct_a")).isEqualTo(new Balance(5 * CREDIT, 0));
            assertThatThrownBy(() -> h.ledger.settle("r:hold", CREDIT, details("r")))
                    .isInstanceOf(IdempotencyConflictException.class);
            assertThatThrownBy(() -> h.ledger.settle("never-placed", CREDIT, details("x")))
                    .isInstanceOf(UnknownHoldException.class);
            assertThat(h.ledger.history("acct_a", 10, null).data()).hasSize(1);
            assertThat(h.ledger.verify().ok()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void holdAboveAvailableFailsWithRequiredAndAvailable(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g1", "acct_a", 3 * CREDIT, null);
            h.ledger.hold("r1:hold", "acct_a", 2 * CREDIT, TTL);

            assertThatThrownBy(() -> h.ledger.hold("r2:hold", "acct_a", 2 * CREDIT, TTL))
                    .isInstanceOfSatisfying(InsufficientCreditsException.class, e -> {
                        assertThat(e.requiredMicros()).isEqualTo(2 * CREDIT);
                        assertThat(e.availableMicros()).isEqualTo(CREDIT);
                    });
            assertThatThrownBy(() -> h.ledger.hold("r3:hold", "acct_nobody", 1, TTL))
                    .isInstanceOf(InsufficientCreditsException.class);
            assertThat(h.ledger.balance("acct_a")).isEqualTo(new Balance(3 * CREDIT, 2 * CREDIT));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void holdRetryDoesNotReserveTwiceAndADifferentBodyConflicts(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g1", "acct_a", 3 * CREDIT, null);
            Hold first = h.ledger.hold("r1:hold", "acct_a", 2 * CREDIT, TTL);
            Hold again = h.ledger.hold("r1:hold", "acct_a", 2 * CREDIT, TTL);

            assertThat(again).isEqualTo(first);
            assertThat(h.ledger.balance("acct_a").heldMicros()).isEqualTo(2 * CREDIT);
            assertThatThrownBy(() -> h.ledger.hold("r1:hold", "acct_a", CREDIT, TTL))
                    .isInstanceOf(IdempotencyConflictException.class);
            assertThatThrownBy(() -> h.ledger.hold("r1:hold", "acct_b", 2 * CREDIT, TTL))
                    .isInstanceOf(IdempotencyConflictException.class);
        }
    }
}
