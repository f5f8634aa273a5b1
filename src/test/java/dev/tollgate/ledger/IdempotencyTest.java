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

/** Rule 2: a transfer id again with the same body is a no-op; with another body it is a conflict. */
class IdempotencyTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Store.class)
    void sameGrantTwicePostsOnceAndReturnsTheSameBalance(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            long first = h.ledger.grant("req9:grant", "acct_a", 5 * CREDIT, "welcome");
            h.ledger.grant("other", "acct_a", CREDIT, null);
            long again = h.ledger.grant("req9:grant", "acct_a", 5 * CREDIT, "welcome");

            assertThat(again).isEqualTo(first).isEqualTo(5 * CREDIT);
            assertThat(h.ledger.balance("acct_a").postedMicros()).isEqualTo(6 * CREDIT);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void sameIdWithAnotherBodyIsAConflictAndChangesNothing(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("t1", "acct_a", 5 * CREDIT, "welcome");

            assertThatThrownBy(() -> h.ledger.grant("t1", "acct_a", 6 * CREDIT, "welcome"))
                    .isInstanceOf(IdempotencyConflictException.class);
            assertThatThrownBy(() -> h.ledger.grant("t1", "acct_b", 5 * CREDIT, "welcome"))
                    .isInstanceOf(IdempotencyConflictException.class);
            assertThatThrownBy(() -> h.ledger.grant("t1", "acct_a", 5 * CREDIT, "other reason"))
                    .isInstanceOf(IdempotencyConflictException.class);
            assertThat(h.ledger.balance("acct_a").postedMicros()).isEqualTo(5 * CREDIT);
            assertThat(h.ledger.balance("acct_b")).isEqualTo(Balance.ZERO);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void holdIdsAndTransferIdsShareOneNamespace(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g", "acct_a", 5 * CREDIT, null);
            h.ledger.hold("r:hold", "acct_a", CREDIT, TTL);
            assertThatThrownBy(() -> h.ledger.grant("r:hold", "acct_a", CREDIT, null))
                    .isInstanceOf(IdempotencyConflictException.class);
            h.ledger.settle("r:hold", CREDIT, details("r"));
            assertThatThrownBy(() -> h.ledger.grant("r:hold", "acct_a", CREDIT, null))
                    .isInstanceOf(IdempotencyConflictException.class);
            assertThatThrownBy(() -> h.ledger.hold("g", "acct_a", CREDIT, TTL))
                    .isInstanceOf(IdempotencyConflictException.class);
            assertThat(h.ledger.balance("acct_a").heldMicros()).isZero();
            assertThat(h.ledger.verify().ok()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void negativeAdjustmentNeverTakesAvailableBelowZero(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g", "acct_a", 5 * CREDIT, null);
            h.ledger.hold("r:hold", "acct_a", 2 * CREDIT, TTL);

            assertThatThrownBy(() -> h.ledger.grant("adj1", "acct_a", -4 * CREDIT, "refund reversal"))
                    .isInstanceOfSatisfying(InsufficientCreditsException.class,
                            e -> assertThat(e.availableMicros()).isEqualTo(3 * CREDIT));
            assertThat(h.ledger.grant("adj2", "acct_a", -3 * CREDIT, "correction")).isEqualTo(2 * CREDIT);
            assertThat(h.ledger.balance("acct_a").availableMicros()).isZero();
            assertThat(h.ledger.verify().ok()).isTrue();
        }
    }
}
