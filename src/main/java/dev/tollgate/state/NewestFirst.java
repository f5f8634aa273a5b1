package dev.tollgate.state;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of an account's rows, newest first by {@code (created_at, id)} — a keyset page, so a page costs the same
 * however deep it is and rows added meanwhile never shift it. Shared by the stores whose lists page that way
 * (conversations, images); each table has an index on {@code (account_id, created_at, id)}.
 */
public final class NewestFirst {
    /** Reads one row of the selected columns. */
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private NewestFirst() {}

    /** The rows after the one at {@code (afterCreatedAtMs, afterId)}, or from the newest when {@code afterId} is null. */
    public static <T> Page<T> page(Database db, String table, String columns, String accountId, long afterCreatedAtMs,
                                   String afterId, int limit, Row<T> row) {
        String where = "account_id = ?" + (afterId == null ? "" : " AND (created_at < ? OR (created_at = ? AND id < ?))");
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM "
                + table + " WHERE " + where + " ORDER BY created_at DESC, id DESC LIMIT ?")) {
            int i = 1;
            ps.setString(i++, accountId);
            if (afterId != null) {
                ps.setLong(i++, afterCreatedAtMs);
                ps.setLong(i++, afterCreatedAtMs);
                ps.setString(i++, afterId);
            }
            ps.setInt(i, limit + 1);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row.read(rs));
            }
            boolean more = out.size() > limit;
            return new Page<>(more ? out.subList(0, limit) : out, more);
        } catch (SQLException e) {
            throw new StoreException("list " + table, e);
        }
    }
}
