package dev.tollgate.usage;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes raw usage events older than {@code usage.retention_days}, never rollups. Each statement
 * deletes at most {@link #ROWS_PER_STATEMENT} rows in its own short transaction and the job pauses
 * between statements, so a backlog of millions never holds the store's write lock for long (the cleanup
 * jobs of LiteLLM's spend logs time out on exactly that). Runs on its own daemon thread every
 * {@link #INTERVAL}, first shortly after start; {@link #purge()} runs one pass now.
 */
public final class Retention implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Retention.class.getName());
    static final int ROWS_PER_STATEMENT = 5_000;
    static final Duration PAUSE = Duration.ofMillis(100);
    static final Duration INTERVAL = Duration.ofHours(1);
    static final Duration FIRST_DELAY = Duration.ofMinutes(1);

    /** One pass: rows deleted and the statements it took. */
    public record Pass(long deletedRows, int statements) {}

    private final Database db;
    private final Clock clock;
    private final Duration retention;
    private final int rowsPerStatement;
    private final Duration pause;
    private final Thread thread;
    private volatile boolean closing;

    Retention(Database db, Clock clock, int retentionDays, int rowsPerStatement, Duration pause, boolean background) {
        this.db = db;
        this.clock = clock;
        this.retention = Duration.ofDays(retentionDays);
        this.rowsPerStatement = rowsPerStatement;
        this.pause = pause;
        this.thread = background ? Thread.ofPlatform().name("tollgate-usage-retention").daemon(true).start(this::loop) : null;
    }

    /** Deletes every event older than the retention, in bounded statements with a pause between them. */
    public Pass purge() {
        long cutoffMs = clock.millis() - retention.toMillis();
        long deleted = 0;
        int statements = 0;
        while (!closing) {
            int n;
            try (Connection c = db.connection()) {
                n = EventRows.deleteOlderThan(c, cutoffMs, rowsPerStatement);
            } catch (SQLException e) {
                throw new StoreException("delete old usage events", e);
            }
            statements++;
            deleted += n;
            if (n < rowsPerStatement) break;
            if (!sleep(pause)) break;
        }
        return new Pass(deleted, statements);
    }

    private void loop() {
        if (!sleep(FIRST_DELAY)) return;
        while (!closing) {
            try {
                Pass p = purge();
                if (p.deletedRows() > 0) LOG.info("usage retention deleted " + p.deletedRows() + " events in " + p.statements() + " statements");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "usage retention pass failed; next try in " + INTERVAL, e);
            }
            if (!sleep(INTERVAL)) return;
        }
    }

    private boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return !closing;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closing = true;
        if (thread != null) thread.interrupt();
    }
}
