package dev.tollgate.ledger;

import static dev.tollgate.ledger.LedgerHarness.CREDIT;
import static dev.tollgate.ledger.LedgerHarness.TTL;
import static dev.tollgate.ledger.LedgerHarness.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 5: history is the account's posted transfers, newest first, paged by an opaque cursor. */
class HistoryTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Store.class)
    void entriesCarryTypeSignedAmountBalanceAfterAndChargeDetails(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g1", "acct_a", 10 * CREDIT, "top-up");
            h.ledger.hold("req1:hold", "acct_a", 2 * CREDIT, TTL);
            h.ledger.settle("req1:hold", 1_500_000, details("req1"));
            h.ledger.grant("adj1", "acct_a", -CREDIT, "correction");
            h.ledger.hold("req2:hold", "acct_a", CREDIT, TTL);
            h.ledger.release("req2:hold");

            List<HistoryEntry> data = h.ledger.history("acct_a", 10, null).data();

            assertThat(data).extracting(HistoryEntry::id).containsExactly("adj1", "req1:hold", "g1");
            assertThat(data).extracting(HistoryEntry::type).containsExactly("adjustment", "charge", "grant");
            assertThat(data).extracting(HistoryEntry::amountMicros).containsExactly(-CREDIT, -1_500_000L, 10 * CREDIT);
            assertThat(data).extracting(HistoryEntry::balanceAfterMicros)
                    .containsExactly(7_500_000L, 8_500_000L, 10 * CREDIT);
            assertThat(data.get(1).requestId()).isEqualTo("req1");
            assertThat(data.get(1).model()).isEqualTo("mock-small");
            assertThat(data.get(0).requestId()).isNull();
            assertThat(data.get(0).createdAtMs()).isEqualTo(h.clock.millis());
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void cursorPagesThroughEverythingOnceNewestFirst(Store store) {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            for (int i = 1; i <= 7; i++) h.ledger.grant("g" + i, "acct_a", i, null);
            h.ledger.grant("other", "acct_b", 99, null);

            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                HistoryPage page = h.ledger.history("acct_a", 3, cursor);
                page.data().forEach(e -> seen.add(e.id()));
                cursor = page.next();
                pages++;
            } while (cursor != null);

            assertThat(seen).containsExactly("g7", "g6", "g5", "g4", "g3", "g2", "g1");
            assertThat(pages).isEqualTo(3);
            assertThatThrownBy(() -> h.ledger.history("acct_a", 3, "not-a-cursor"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
