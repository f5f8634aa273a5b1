package dev.tollgate.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollup rows of a batch of events, added up in memory and then upserted once each (adding to the
 * counters already stored), in the writer's transaction. Each scope keeps the dimensions one family of
 * dashboard queries groups by, so that every query reads few rows even for the busiest account
 * (docs/analytics.md "Rollups"):
 * <ul>
 *   <li>{@code k}: account × key × end user × model × provider × task, per day — every dimension at once
 *       (drill-down and export; per hour it would be about one row per request, as big as the raw events);
 *   <li>{@code p}: account × model × provider × task, per hour and day — the caller's stats and daily views
 *       by model, provider or task, and the estimate's history;
 *   <li>{@code u}: account × end user, per hour and day — by end user, top end users;
 *   <li>{@code y}: account × key, per day — by key;
 *   <li>{@code a}: account, per hour and day — active and top accounts, plans;
 *   <li>{@code s}: model × provider × task over all accounts, per hour and day — system totals, trends,
 *       models, providers, task types.
 * </ul>
 * Scopes {@code u} and {@code a} also have period {@code m} (calendar month, UTC; bucket = its first day), read only
 * by the cross-account top end users, whose answer must not grow with the days of the window (UsageQueries#topUsers).
 * A dimension a scope leaves out is stored as {@code ''}; so is an unknown one (no provider answered).
 */
final class Rollups {
    static final long HOUR_MS = 3_600_000L;
    static final long DAY_MS = 86_400_000L;

    /** A row's key, ordered as the table's primary key (account first): the order in which a batch upserts its rows. */
    record Key(String period, String scope, long bucket, String account, String key, String user, String model,
               String provider, String task) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) { // by hand: a chain of comparator lambdas cost ~5 % of the writer's CPU
            int c = account.compareTo(o.account);
            if (c == 0) c = period.compareTo(o.period);
            if (c == 0) c = scope.compareTo(o.scope);
            if (c == 0) c = Long.compare(bucket, o.bucket);
            if (c == 0) c = key.compareTo(o.key);
            if (c == 0) c = user.compareTo(o.user);
            if (c == 0) c = model.compareTo(o.model);
            if (c == 0) c = provider.compareTo(o.provider);
            if (c == 0) c = task.compareTo(o.task);
            return c;
        }
    }

    /** requests, ok, failed, input, output, cached, reasoning, cost µcr, cache savings µcr, cache hits, latency ms sum. */
    static final int COUNTERS = 11;

    private final Map<Key, long[]> rows = new HashMap<>();

    void add(UsageEvent e) {
        String user = nz(e.endUser());
        String model = nz(e.model());
        String provider = nz(e.provider());
        String task = nz(e.task());
        String key = nz(e.keyId());
        String account = e.accountId();
        long day = Math.floorDiv(e.createdAtMs(), DAY_MS) * DAY_MS;
        long hour = Math.floorDiv(e.createdAtMs(), HOUR_MS) * HOUR_MS;
        count(new Key("d", "k", day, account, key, user, model, provider, task), e);
        count(new Key("d", "y", day, account, key, "", "", "", ""), e);
        long month = monthOf(day);
        count(new Key("m", "u", month, account, "", user, "", "", ""), e);
        count(new Key("m", "a", month, account, "", "", "", "", ""), e);
        for (String period : new String[] {"h", "d"}) {
            long bucket = period.equals("h") ? hour : day;
            count(new Key(period, "p", bucket, account, "", "", model, provider, task), e);
            count(new Key(period, "u", bucket, account, "", user, "", "", ""), e);
            count(new Key(period, "a", bucket, account, "", "", "", "", ""), e);
            count(new Key(period, "s", bucket, "", "", "", model, provider, task), e);
        }
    }

    int size() { return rows.size(); }

    private long lastDay = Long.MIN_VALUE;
    private long lastMonth;

    /** The month bucket of a day bucket, remembered for the last day (a batch's events are nearly all of one day). */
    private long monthOf(long day) {
        if (day != lastDay) {
            lastMonth = monthStart(day);
            lastDay = day;
        }
        return lastMonth;
    }

    /** The first instant (UTC) of the calendar month holding {@code ms}. */
    static long monthStart(long ms) {
        return java.time.LocalDate.ofEpochDay(Math.floorDiv(ms, DAY_MS)).withDayOfMonth(1).toEpochDay() * DAY_MS;
    }

    /** The first instant (UTC) of the calendar month after the one holding {@code ms}. */
    static long nextMonthStart(long ms) {
        return java.time.LocalDate.ofEpochDay(Math.floorDiv(ms, DAY_MS)).withDayOfMonth(1).plusMonths(1).toEpochDay() * DAY_MS;
    }

    /** The rows added up so far (the analytics bench's bulk load writes them without upserting). */
    Map<Key, long[]> rows() { return rows; }

    private void count(Key k, UsageEvent e) {
        long[] c = rows.computeIfAbsent(k, x -> new long[COUNTERS]);
        c[0]++;
        c[e.ok() ? 1 : 2]++;
        c[3] += e.inputTokens();
        c[4] += e.outputTokens();
        c[5] += e.cachedTokens();
        c[6] += e.reasoningTokens();
        c[7] += e.costMicros();
        c[8] += e.cacheSavingsMicros();
        c[9] += e.cacheHit() ? 1 : 0;
        c[10] += e.latencyMs();
    }

    static final String COLUMNS = "period, scope, bucket, account_id, key_id, end_user, model, "
            + "provider, task, requests, ok, failed, input_tokens, output_tokens, cached_tokens, reasoning_tokens, "
            + "cost_micros, cache_savings_micros, cache_hits, latency_ms_sum";
    static final int COLUMN_COUNT = 20;
    static final String ON_CONFLICT = " ON CONFLICT (account_id, period, scope, bucket, key_id, end_user, model, provider, task) DO UPDATE SET "
            + "requests = usage_rollups.requests + excluded.requests, ok = usage_rollups.ok + excluded.ok, "
            + "failed = usage_rollups.failed + excluded.failed, "
            + "input_tokens = usage_rollups.input_tokens + excluded.input_tokens, "
            + "output_tokens = usage_rollups.output_tokens + excluded.output_tokens, "
            + "cached_tokens = usage_rollups.cached_tokens + excluded.cached_tokens, "
            + "reasoning_tokens = usage_rollups.reasoning_tokens + excluded.reasoning_tokens, "
            + "cost_micros = usage_rollups.cost_micros + excluded.cost_micros, "
            + "cache_savings_micros = usage_rollups.cache_savings_micros + excluded.cache_savings_micros, "
            + "cache_hits = usage_rollups.cache_hits + excluded.cache_hits, "
            + "latency_ms_sum = usage_rollups.latency_ms_sum + excluded.latency_ms_sum";
    /**
     * Rows per upsert statement: one multi-row statement instead of a JDBC batch of single rows saves the
     * per-statement work (SQLite: a step and reset per row through JNI; PostgreSQL: a round trip per row unless
     * the driver rewrites batches) — the writer's CPU per event is what bounds its rate. 1,280 parameters; the
     * remainder goes in statements of 8 and 1 rows ({@link MultiRow}).
     */
    static final int ROWS_PER_STATEMENT = 64;

    /** Upserts every row, in key order so that two replicas' batches lock rows in the same order. */
    void upsert(Connection c) throws SQLException {
        List<Map.Entry<Key, long[]>> sorted = new ArrayList<>(rows.entrySet());
        sorted.sort(Map.Entry.comparingByKey());
        MultiRow.write(c, "INSERT INTO usage_rollups (" + COLUMNS + ") ", ON_CONFLICT, COLUMN_COUNT, ROWS_PER_STATEMENT,
                sorted, (ps, base, row) -> bind(ps, base, row.getKey(), row.getValue()));
    }

    /** Binds one row whose first parameter is at {@code base} + 1. */
    static void bind(PreparedStatement ps, int base, Key k, long[] c) throws SQLException {
        ps.setString(base + 1, k.period());
        ps.setString(base + 2, k.scope());
        ps.setLong(base + 3, k.bucket());
        ps.setString(base + 4, k.account());
        ps.setString(base + 5, k.key());
        ps.setString(base + 6, k.user());
        ps.setString(base + 7, k.model());
        ps.setString(base + 8, k.provider());
        ps.setString(base + 9, k.task());
        for (int i = 0; i < COUNTERS; i++) ps.setLong(base + 10 + i, c[i]);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
