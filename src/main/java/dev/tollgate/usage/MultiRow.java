package dev.tollgate.usage;

import dev.tollgate.store.Statements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes rows with multi-row {@code INSERT ... VALUES (..),(..) [suffix]} statements of {@code rowsPerStatement} rows,
 * then of an eighth of that, and so on down to one row: one prepared statement per size, each executed as often as
 * the rows left fill it. Preparing costs in proportion to the statement's length (SQLite compiles each row of VALUES),
 * and a remainder of 99 rows prepared as one statement for every batch cost
 * the usage writer ~10 % of its CPU; with sizes 64, 8, 1 there are three statements per kind of row, which the
 * store keeps compiled ({@link Statements}). Valid on
 * SQLite and PostgreSQL; the caller keeps parameters per statement under SQLite's 32,766.
 */
final class MultiRow {
    interface Binder<T> {
        void bind(PreparedStatement ps, int base, T row) throws SQLException;
    }

    private MultiRow() {}

    static <T> void write(Connection c, String prefix, String suffix, int columns, int rowsPerStatement,
                          List<T> rows, Binder<T> binder) throws SQLException {
        int done = 0;
        for (int size = rowsPerStatement; done < rows.size(); size = Math.max(1, size / 8)) {
            int chunks = (rows.size() - done) / size;
            if (chunks == 0) continue;
            try (Statements.Lease lease = Statements.prepare(c, sql(prefix, suffix, columns, size))) {
                for (int chunk = 0; chunk < chunks; chunk++, done += size) {
                    bindChunk(lease.statement(), columns, rows.subList(done, done + size), binder);
                    lease.statement().executeUpdate();
                }
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
