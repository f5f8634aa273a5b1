package dev.tollgate.ledger;

import dev.tollgate.ledger.Rows.TransferRow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** The column list of ledger_transfers and its mapping to {@link TransferRow}, in one place. */
final class TransferColumns {
    static final String SELECT = "id, type, debit_account, credit_account, amount, account, account_seq, "
            + "balance_after, reason, request_id, model, provider, price_version, input_tokens, "
            + "cached_input_tokens, output_tokens, reasoning_tokens, created_at, cache_write_tokens, cache_write_1h_tokens";
    static final int COUNT = 20;

    private TransferColumns() {}

    static TransferRow read(ResultSet rs) throws SQLException {
        String requestId = rs.getString(10);
        ChargeDetails details = null;
        TransferType type = TransferType.ofWire(rs.getString(2));
        if (type == TransferType.CHARGE) {
            details = new ChargeDetails(requestId, rs.getString(11), rs.getString(12), rs.getString(13),
                    rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getLong(17), rs.getLong(19), rs.getLong(20));
        }
        return new TransferRow(rs.getString(1), type, rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getString(6), rs.getLong(7), rs.getLong(8), rs.getString(9), details, rs.getLong(18));
    }

    /** Binds one row whose first parameter is at {@code base} + 1 (for multi-row inserts). */
    static void bind(PreparedStatement ps, int base, TransferRow t) throws SQLException {
        ps.setString(base + 1, t.id());
        ps.setString(base + 2, t.type().wireName());
        ps.setString(base + 3, t.debit());
        ps.setString(base + 4, t.credit());
        ps.setLong(base + 5, t.amount());
        ps.setString(base + 6, t.account());
        ps.setLong(base + 7, t.accountSeq());
        ps.setLong(base + 8, t.balanceAfter());
        ps.setString(base + 9, t.reason());
        ChargeDetails d = t.details();
        ps.setString(base + 10, d == null ? null : d.requestId());
        ps.setString(base + 11, d == null ? null : d.model());
        ps.setString(base + 12, d == null ? null : d.provider());
        ps.setString(base + 13, d == null ? null : d.priceVersion());
        setLong(ps, base + 14, d == null ? null : d.inputTokens());
        setLong(ps, base + 15, d == null ? null : d.cachedInputTokens());
        setLong(ps, base + 16, d == null ? null : d.outputTokens());
        setLong(ps, base + 17, d == null ? null : d.reasoningTokens());
        ps.setLong(base + 18, t.createdAt());
        setLong(ps, base + 19, d == null ? null : d.cacheWriteTokens());
        setLong(ps, base + 20, d == null ? null : d.cacheWrite1hTokens());
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, v);
    }
}
