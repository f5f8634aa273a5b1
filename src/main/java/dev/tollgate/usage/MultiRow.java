package dev.tollgate.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes rows with multi-row {@code INSERT ... VALUES (..),(..) [suffix]} statements of up to {@code rowsPerStatement}
 * rows: one prepared statement for the full chunks (executed once per chunk) and one for the remainder. Valid on
 * SQLite and PostgreSQL; the caller keeps parameters per statement under SQLite's 32,766.
 */
final class MultiRow {
    interface Binder<T> {
        void bind(PreparedStatement ps, int base, T row) throws SQLException;
    }

    private MultiRow() {}

    static <T> void write(Connection c, String prefix, String suffix, int columns, int rowsPerStatement, List<T> rows,
                          Binder<T> binder) throws SQLException {
        int full = rows.size() / rowsPerStatement;
        if (full > 0) {
            try (PreparedStatement ps = c.prepareStatement(sql(prefix, suffix, columns, rowsPerStatement))) {
                for (int chunk = 0; chunk < full; chunk++) {
                    bindChunk(ps, columns, rows.subList(chunk * rowsPerStatement, (chunk + 1) * rowsPerStatement), binder);
                    ps.executeUpdate();
                }
            }
        }
        List<T> rest = rows.subList(full * rowsPerStatement, rows.size());
        if (!rest.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(sql(prefix, suffix, columns, rest.size()))) {
                bindChunk(ps, columns, rest, binder);
                ps.executeUpdate();
            }
        }
    }

    private static <T> void bindChunk(PreparedStatement ps, int columns, List<T> rows, Binder<T> binder) throws SQLException {
        for (int i = 0; i < rows.size(); i++) binder.bind(ps, i * columns, rows.get(i));
    }

    static String sql(String prefix, String suffix, int columns, int rows) {
        String row = "(" + "?,".repeat(columns - 1) + "?)";
        StringBuilder sql = new StringBuilder(prefix.length() + suffix.length() + 8 + rows * (row.length() + 1));
        sql.append(prefix).append("VALUES ");
        for (int i = 0; i < rows; i++) sql.append(i == 0 ? "" : ",").append(row);
        return sql.append(suffix).toString();
    }
}
