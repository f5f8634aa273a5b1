package dev.tollgate.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Prepared statements the writer threads reuse across transactions. sqlite-jdbc compiles a statement on every
 * {@code prepareStatement} (parse, plan, column names) and keeps no cache: the ledger writer ran the same dozen
 * statements in every batch and spent 28 % of its CPU compiling them, the usage writer 17 %. On SQLite each
 * physical connection keeps its compiled statements (least recently used dropped past {@link #PER_CONNECTION});
 * PostgreSQL's driver already caches parsed and server-prepared statements per connection, so there this is a plain
 * prepare and close.
 *
 * <p>Use: {@code try (Statements.Lease s = Statements.prepare(c, sql)) { PreparedStatement ps = s.statement(); ... }}.
 * Closing the lease closes the statement on PostgreSQL and only clears it on SQLite. Callers must close every
 * result set they open (try-with-resources) so the cached statement is reset before its next use. Statements are
 * prepared on the pool's physical connection, so the pool does not close them when a connection is returned;
 * a connection the pool retires closes its statements, and a closed one is prepared again.
 */
public final class Statements {
    static final int PER_CONNECTION = 256;
    /** Physical SQLite connection → its statements by SQL. Only the thread holding the connection uses its map. */
    private static final Map<Connection, Map<String, PreparedStatement>> CACHES = new WeakHashMap<>();

    private Statements() {}

    /** A statement for one use; see the class comment. */
    public static final class Lease implements AutoCloseable {
        private final PreparedStatement statement;
        private final boolean cached;

        private Lease(PreparedStatement statement, boolean cached) {
            this.statement = statement;
            this.cached = cached;
        }

        public PreparedStatement statement() { return statement; }

        @Override
        public void close() throws SQLException {
            if (cached) statement.clearParameters();
            else statement.close();
        }
    }

    /** The statement for {@code sql} on {@code c}: compiled once per physical connection on SQLite. */
    public static Lease prepare(Connection c, String sql) throws SQLException {
        if (!c.isWrapperFor(org.sqlite.SQLiteConnection.class)) return new Lease(c.prepareStatement(sql), false);
        Connection raw = c.unwrap(org.sqlite.SQLiteConnection.class);
        Map<String, PreparedStatement> cache = cacheOf(raw);
        PreparedStatement ps = cache.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = raw.prepareStatement(sql);
            cache.put(sql, ps);
        }
        return new Lease(ps, true);
    }

    private static Map<String, PreparedStatement> cacheOf(Connection raw) throws SQLException {
        synchronized (CACHES) {
            Map<String, PreparedStatement> cache = CACHES.get(raw);
            if (cache != null) return cache;
            // a statement refers to its connection, so a retired connection's entry is never collected: drop those here
            for (Iterator<Connection> it = CACHES.keySet().iterator(); it.hasNext(); ) {
                if (it.next().isClosed()) it.remove();
            }
            cache = new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                    if (size() <= PER_CONNECTION) return false;
                    try {
                        eldest.getValue().close();
                    } catch (SQLException ignored) {
                        // closing a finalized statement; nothing to free
                    }
                    return true;
                }
            };
            CACHES.put(raw, cache);
            return cache;
        }
    }

    /** Statements cached on {@code c}'s physical connection (tests). */
    static int cachedOn(Connection c) throws SQLException {
        Connection raw = c.unwrap(org.sqlite.SQLiteConnection.class);
        synchronized (CACHES) {
            Map<String, PreparedStatement> cache = CACHES.get(raw);
            return cache == null ? 0 : cache.size();
        }
    }
}
