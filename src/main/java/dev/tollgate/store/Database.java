package dev.tollgate.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The one DataSource of a Tollgate process: embedded SQLite (WAL, durable commits) by default,
 * PostgreSQL when the store URL says so. Migrations run on open.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final String url;

    private Database(HikariDataSource dataSource, Dialect dialect, String url) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.url = url;
    }

    public static Database open(String jdbcUrl) {
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        hc.setPoolName("tollgate-store");
        hc.setConnectionTimeout(10_000);
        if (dialect == Dialect.SQLITE) {
            createParentDirectory(jdbcUrl);
            // WAL lets readers run beside the single writer; FULL makes every commit durable
            // (group commit in the ledger amortises the fsync). IMMEDIATE takes the write lock at
            // BEGIN so two writers never deadlock upgrading a read lock.
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("synchronous", "FULL");
            hc.addDataSourceProperty("busy_timeout", "10000");
            hc.addDataSourceProperty("foreign_keys", "true");
            hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            // sqlite-jdbc otherwise compiles and runs "SELECT last_insert_rowid()" after every INSERT for
            // getGeneratedKeys(), which Tollgate never calls (its ids are made before the insert)
            hc.addDataSourceProperty("jdbc.get_generated_keys", "false");
            hc.setMaximumPoolSize(8);
        } else {
            hc.setMaximumPoolSize(16);
            // grow on demand: several replicas (and test suites) share one server's max_connections (100 by default)
            hc.setMinimumIdle(2);
        }
        HikariDataSource ds = new HikariDataSource(hc);
        Database db = new Database(ds, dialect, jdbcUrl);
        try {
            Migrations.apply(db);
        } catch (SQLException | RuntimeException e) {
            ds.close();
            throw new IllegalStateException("cannot migrate store " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
        return db;
    }

    private static void createParentDirectory(String jdbcUrl) {
        String file = jdbcUrl.substring("jdbc:sqlite:".length());
        int q = file.indexOf('?');
        if (q >= 0) file = file.substring(0, q);
        if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) return;
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data directory " + parent + ": " + e.getMessage(), e);
        }
    }

    /** A store URL for logs: credentials removed. */
    public static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//[^/@]*@", "//***@");
    }

    public DataSource dataSource() { return dataSource; }

    public Dialect dialect() { return dialect; }

    public String url() { return url; }

    public Connection connection() throws SQLException { return dataSource.getConnection(); }

    /**
     * Whether the store was reachable when last seen: the readiness probe and the ledger writer mark it. Money
     * admitted without touching the store (a hold in a credit slice) is admitted only while this is true, so a
     * store outage fails closed (503, nothing called, nothing charged) instead of answering a request whose
     * charge cannot be made durable.
     */
    public boolean reachable() { return reachable; }

    /** Marks what a probe or a write just saw of the store. */
    public void seen(boolean reachable) { this.reachable = reachable; }

    private volatile boolean reachable = true;

    @Override
    public void close() { dataSource.close(); }
}
