package dev.tollgate.ledger;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads that need no writer: committed state only, so a caller always sees its own finished writes. */
final class LedgerQueries {
    private static final String CURSOR_PREFIX = "s1:";

    private LedgerQueries() {}

    static Balance balance(Database db, String account) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT posted, held FROM ledger_balances WHERE account = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Balance(rs.getLong(1), rs.getLong(2)) : Balance.ZERO;
            }
        } catch (SQLException e) {
            throw new StoreException("read balance", e);
        }
    }

    /** Other replicas' open slices of the account asked back and not answered yet. */
    static int recallsPending(Database db, String account, String replica) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM ledger_slices WHERE account = ? "
                     + "AND status = 'open' AND replica <> ? AND recalled_at IS NOT NULL AND acked_at IS NULL")) {
            ps.setString(1, account);
            ps.setString(2, replica);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new StoreException("read slice recalls", e);
        }
    }

    static long openHolds(Database db) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM ledger_holds WHERE status = 'open'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("count open holds", e);
        }
    }

    static HistoryPage history(Database db, String account, int limit, String beforeCursor) {
        long beforeSeq = beforeCursor == null || beforeCursor.isEmpty() ? Long.MAX_VALUE : decode(beforeCursor);
        List<HistoryEntry> entries = new ArrayList<>(limit);
        long lastSeq = 0;
        boolean more = false;
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id, type, credit_account, amount, account_seq, "
                     + "balance_after, request_id, model, created_at FROM ledger_transfers "
                     + "WHERE account = ? AND account_seq < ? ORDER BY account_seq DESC LIMIT ?")) {
            ps.setString(1, account);
            ps.setLong(2, beforeSeq);
            ps.setInt(3, limit + 1); // one extra row tells whether an older page exists
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (entries.size() == limit) {
                        more = true;
                        break;
                    }
                    long amount = account.equals(rs.getString(3)) ? rs.getLong(4) : -rs.getLong(4);
                    lastSeq = rs.getLong(5);
                    entries.add(new HistoryEntry(rs.getString(1), rs.getString(2), amount, rs.getLong(6),
                            rs.getString(7), rs.getString(8), rs.getLong(9)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("read history", e);
        }
        return new HistoryPage(List.copyOf(entries), more ? encode(lastSeq) : null);
    }

    static ProviderUsage providerUsage(Database db, String provider, long fromMs, long toMs) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(input_tokens), 0) + COALESCE(SUM(output_tokens), 0), "
                     + "COALESCE(SUM(amount), 0), COUNT(*) FROM ledger_transfers "
                     + "WHERE provider = ? AND created_at >= ? AND created_at < ? AND type = ?")) {
            ps.setString(1, provider);
            ps.setLong(2, fromMs);
            ps.setLong(3, toMs);
            ps.setString(4, TransferType.CHARGE.wireName());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ProviderUsage(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        } catch (SQLException e) {
            throw new StoreException("read provider usage", e);
        }
    }

    private static String encode(long seq) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + seq).getBytes(StandardCharsets.US_ASCII));
    }

    private static long decode(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (!s.startsWith(CURSOR_PREFIX)) throw new IllegalArgumentException("bad prefix");
            return Long.parseLong(s.substring(CURSOR_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid history cursor", e);
        }
    }
}
