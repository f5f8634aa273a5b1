package dev.tollgate.ledger;

import static dev.tollgate.ledger.LedgerHarness.CREDIT;
import static dev.tollgate.ledger.LedgerHarness.TTL;
import static dev.tollgate.ledger.LedgerHarness.details;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** verify() must fail when the derived state or the hold records disagree with the transfers. */
class VerifyTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Store.class)
    void detectsABalanceThatDoesNotMatchTheReplay(Store store) throws SQLException {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g", "acct_a", 5 * CREDIT, null);
            assertThat(h.ledger.verify().ok()).isTrue();

            tamper(h, "UPDATE ledger_balances SET posted = posted + 1 WHERE account = 'acct_a'");

            VerifyReport report = h.ledger.verify();
            assertThat(report.ok()).isFalse();
            assertThat(report.problems()).anyMatch(p -> p.contains("acct_a")).anyMatch(p -> p.contains("debits != credits"));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void detectsAHoldWhoseResolutionDisagreesWithItsCharge(Store store) throws SQLException {
        try (LedgerHarness h = new LedgerHarness(store, tmp)) {
            h.ledger.grant("g", "acct_a", 5 * CREDIT, null);
            h.ledger.hold("r:hold", "acct_a", CREDIT, TTL);
            h.ledger.settle("r:hold", CREDIT, details("r"));

            tamper(h, "UPDATE ledger_holds SET status = 'released' WHERE id = 'r:hold'");

            assertThat(h.ledger.verify().problems()).anyMatch(p -> p.contains("hold r:hold"));
        }
    }

    private static void tamper(LedgerHarness h, String sql) throws SQLException {
        try (Connection c = h.db.connection(); Statement st = c.createStatement()) {
            if (!c.getAutoCommit()) c.setAutoCommit(true);
            st.executeUpdate(sql);
        }
    }
}
