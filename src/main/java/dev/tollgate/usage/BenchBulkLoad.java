package dev.tollgate.usage;

import dev.tollgate.store.Database;
import dev.tollgate.store.Dialect;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bulk load for {@link AnalyticsBench}: one generated day of raw events and its rollup rows, written as fast as
 * each store allows — PostgreSQL with {@code COPY FROM STDIN}, SQLite with multi-row INSERTs in one transaction
 * per day without fsync (a bench database, thrown away). A day's rollup rows are complete when written (the
 * generator makes days one at a time), so they are plain inserts, not upserts. Never used by the gateway.
 */
final class BenchBulkLoad {
    private static final String EVENT_COLUMNS = "id, request_id, created_at, account_id, key_id, end_user, tags, endpoint, "
            + "requested_model, model, provider, upstream_model, calls, fallback, attempts, task, task_declared, complexity, "
            + "status, error_code, input_tokens, output_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, "
            + "cost_micros, cache_savings_micros, cache_hit, streamed, latency_ms, ttfb_ms";

    private BenchBulkLoad() {}

    static void day(Database db, List<UsageEvent> events, Rollups rollups) throws SQLException, IOException {
        try (Connection c = db.connection()) {
            if (db.dialect() == Dialect.POSTGRES) {
                copy(c, events, rollups);
                return;
            }
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA synchronous = OFF"); // this bench database only; set back before the pool reuses it
            }
            try {
                c.setAutoCommit(false);
                if (!events.isEmpty()) EventRows.insert(c, events);
                List<Map.Entry<Rollups.Key, long[]>> rows = new ArrayList<>(rollups.rows().entrySet());
                MultiRow.write(c, "INSERT INTO usage_rollups (" + Rollups.COLUMNS + ") ", "", Rollups.COLUMN_COUNT,
                        Rollups.ROWS_PER_STATEMENT, rows, (ps, base, row) -> Rollups.bind(ps, base, row.getKey(), row.getValue()));
                c.commit();
            } finally {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA synchronous = FULL");
                }
            }
        }
    }

    private static void copy(Connection c, List<UsageEvent> events, Rollups rollups) throws SQLException, IOException {
        var copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
        if (!events.isEmpty()) {
            StringBuilder text = new StringBuilder(events.size() * 256);
            for (UsageEvent e : events) event(text, e);
            copy.copyIn("COPY usage_events (" + EVENT_COLUMNS + ") FROM STDIN", new StringReader(text.toString()));
        }
        StringBuilder text = new StringBuilder(rollups.size() * 128);
        for (Map.Entry<Rollups.Key, long[]> row : rollups.rows().entrySet()) {
            Rollups.Key k = row.getKey();
            text.append(k.period()).append('\t').append(k.scope()).append('\t').append(k.bucket()).append('\t')
                    .append(k.account()).append('\t').append(k.key()).append('\t').append(k.user()).append('\t')
                    .append(k.model()).append('\t').append(k.provider()).append('\t').append(k.task());
            for (long v : row.getValue()) text.append('\t').append(v);
            text.append('\n');
        }
        copy.copyIn("COPY usage_rollups (" + Rollups.COLUMNS + ") FROM STDIN", new StringReader(text.toString()));
    }

    /** One event in COPY's text format (the generator's strings hold no tab, newline or backslash). */
    private static void event(StringBuilder t, UsageEvent e) {
        t.append(e.id()).append('\t').append(e.requestId()).append('\t').append(e.createdAtMs()).append('\t')
                .append(e.accountId()).append('\t');
        text(t, e.keyId()); text(t, e.endUser()); text(t, e.tags());
        t.append(e.endpoint()).append('\t');
        text(t, e.requestedModel()); text(t, e.model()); text(t, e.provider()); text(t, e.upstreamModel());
        t.append(e.calls()).append('\t').append(e.fallback() ? 1 : 0).append('\t');
        text(t, e.attempts()); text(t, e.task());
        t.append(e.taskDeclared() ? 1 : 0).append('\t');
        text(t, e.complexity());
        t.append(e.status()).append('\t');
        text(t, e.errorCode());
        t.append(e.inputTokens()).append('\t').append(e.outputTokens()).append('\t').append(e.cachedTokens()).append('\t')
                .append(e.cacheWriteTokens()).append('\t').append(e.reasoningTokens()).append('\t').append(e.costMicros())
                .append('\t').append(e.cacheSavingsMicros()).append('\t').append(e.cacheHit() ? 1 : 0).append('\t')
                .append(e.streamed() ? 1 : 0).append('\t').append(e.latencyMs()).append('\t').append(e.ttfbMs()).append('\n');
    }

    private static void text(StringBuilder t, String s) {
        t.append(s == null ? "\\N" : s).append('\t');
    }
}
