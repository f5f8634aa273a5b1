package dev.tollgate.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The prepared statements of one connection the usage writer holds, kept by SQL text (the ledger's writer, which
 * takes a pool connection per batch, uses {@link dev.tollgate.store.Statements} instead). The usage writer keeps its connection and these
 * between batches: its multi-row statements (64 rows of 20 or 34 parameters) took SQLite ~10 % of the writer's CPU to
 * compile when each batch prepared them anew. Closing closes the statements, not the connection.
 */
final class HeldStatements implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    HeldStatements(Connection connection) {
        this.connection = connection;
    }

    Connection connection() { return connection; }

    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            prepared.put(sql, ps);
        }
        return ps;
    }

    @Override
    public void close() {
        for (PreparedStatement ps : prepared.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing: the connection goes back to the pool (or is closed) next either way
            }
        }
        prepared.clear();
    }
}
