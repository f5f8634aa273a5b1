package dev.tollgate.usage;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * The usage package as the gateway sees it: the request recorder (a filter), the batching writer,
 * the retention job and the rollup queries, wired once from the {@code usage} config.
 */
public final class UsageAnalytics implements AutoCloseable {
    static final int BATCH_SIZE_MAX = 500;
    static final long LINGER_MS = 50;

    private final Database main;
    /** Where events and rollups live: {@link #main}, or their own SQLite file (UsageStore). */
    private final Database store;
    private final UsageWriter writer;
    private final Retention retention;
    private final UsageQueries queries;
    private final UsageRecorder recorder;
    private final AccessLog accessLog;
    private final Clock clock;

    public UsageAnalytics(Database main, TollgateConfig.UsageSettings settings, Clock clock, MeterRegistry metrics) {
        this.clock = clock;
        this.main = main;
        this.store = UsageStore.open(main);
        this.writer = new UsageWriter(store, settings.queueCapacity(), BATCH_SIZE_MAX, LINGER_MS, metrics);
        this.retention = new Retention(store, clock, settings.retentionDays(), Retention.ROWS_PER_STATEMENT,
                Retention.PAUSE, true);
        this.queries = new UsageQueries(store, main);
        this.accessLog = AccessLog.open(settings.accessLog(), settings.logPrompts());
        this.recorder = new UsageRecorder(writer, new UsageMetrics(metrics), accessLog, clock, settings.taskAnalysis(),
                settings.events());
    }

    /** The filter that records every request; add it to the routing once. */
    public UsageRecorder recorder() { return recorder; }

    public UsageQueries queries() { return queries; }

    public Retention retention() { return retention; }

    public UsageWriter writer() { return writer; }

    public Clock clock() { return clock; }

    /** The store holding usage events and rollups (the main store on PostgreSQL; docs/analytics.md). */
    public Database store() { return store; }

    /** Waits until every finished request's event is in the rollups (tests; see {@link UsageWriter#flush}). */
    public boolean flush(Duration timeout) {
        return writer.flush(timeout);
    }

    @Override
    public void close() {
        retention.close();
        writer.close();
        accessLog.close();
        if (store != main) store.close();
    }
}
