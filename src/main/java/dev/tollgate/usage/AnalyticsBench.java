package dev.tollgate.usage;

import dev.tollgate.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Dashboard query times over the rollups of N generated usage events (docs/performance.md "Analytics").
 * Events are generated day by day over {@value #DAYS} days for {@value #ACCOUNTS} accounts with skewed
 * activity (Zipf), keys, end users, models, providers and task types, added up exactly as the usage writer
 * does ({@link Rollups}) and bulk-inserted; then every dashboard query runs {@value #RUNS} times.
 * Usage: AnalyticsBench sqlite|postgres [events] [postgres base URL]; 0 events measures ingest only. Also measures the writer's ingest:
 * events/s through {@link UsageWriter} and the request thread's CPU per event. Environment: BENCH_RAW_EVENTS=0,
 * BENCH_DB, BENCH_INGEST_ONLY (bench/analytics-bench.sh); {@code -Dtg.batch=N} sets the writer's batch size.
 */
public final class AnalyticsBench {
    static final int DAYS = 90;
    static final int ACCOUNTS = 1_000;
    static final int RUNS = 20;
    static final String[] MODELS = {"gpt-4o-mini", "gpt-4o", "claude-haiku", "claude-sonnet", "gemini-flash", "mock-small"};
    static final String[] PROVIDERS = {"openai", "openai", "anthropic", "anthropic", "gemini", "mock"};
    static final String[] TASKS = {"general", "coding", "summarization", "extraction", "translation", "creative", "math"};
    static final String[] PLANS = {"free", "pro", "team", "enterprise"};

    private AnalyticsBench() {}

    public static void main(String[] args) throws Exception {
        String store = args.length > 0 ? args[0] : "sqlite";
        long events = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        String pgBase = args.length > 2 ? args[2] : "jdbc:postgresql://127.0.0.1:5432/tollgate_bench?user=postgres";
        String schema = "abench_" + Long.toString(System.nanoTime(), 36);
        Path dir = Files.createTempDirectory("tollgate-analytics-bench");
        // BENCH_DB=file (SQLite): load into that file once and keep it; a later run with the same file skips the load
        String keep = System.getenv("BENCH_DB");
        boolean reuse = keep != null && store.equals("sqlite") && Files.exists(Path.of(keep));
        String url = store.equals("postgres") ? createSchema(pgBase, schema) + "&reWriteBatchedInserts=true"
                : "jdbc:sqlite:" + (keep != null ? Path.of(keep) : dir.resolve("bench.db"));
        long now = System.currentTimeMillis();
        if (store.equals("postgres")) { // an interrupted run leaves no schema behind
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    dropSchema(pgBase, schema);
                } catch (Exception ignored) {
                    // dropped already by the normal path
                }
            }));
        }
        if (events == 0) { // ingest only: the writer's rate and the request thread's CPU, no dashboard data
            try (Database db = Database.open(url)) {
                ingest(db);
                recorderCpu(db);
            }
            return;
        }
        try (Database db = Database.open(url)) {
            long start = System.nanoTime();
            long rows = reuse ? 0 : load(db, events, now);
            double loadS = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s: %,d events over %d days, %d accounts -> %,d rollup rows, loaded in %.0f s "
                    + "(%s raw events)%n", store, events, DAYS, ACCOUNTS, rows, loadS,
                    "0".equals(System.getenv("BENCH_RAW_EVENTS")) ? "without" : "with");
            if (!"1".equals(System.getenv("BENCH_INGEST_ONLY"))) queries(db, now);
            ingest(db);
            recorderCpu(db);
        }
    }

    /** Generates the events day by day, adds them up as the writer does, and inserts the rollup rows. */
    static long load(Database db, long events, long nowMs) throws Exception {
        Random r = new Random(42);
        double[] accountWeight = zipf(ACCOUNTS, 1.1);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO accounts (id, name, plan, created_at) VALUES (?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int a = 0; a < ACCOUNTS; a++) {
                ps.setString(1, account(a));
                ps.setString(2, "account " + a);
                ps.setString(3, PLANS[a % PLANS.length]);
                ps.setLong(4, nowMs);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
        long today = Math.floorDiv(nowMs, Rollups.DAY_MS) * Rollups.DAY_MS;
        long perDay = events / DAYS;
        long rows = 0;
        double[] cumulative = cumulative(accountWeight);
        boolean raw = !"0".equals(System.getenv("BENCH_RAW_EVENTS")); // the raw events too, as a running gateway has them
        long started = System.nanoTime();
        // a month's rows (period 'm') are complete only after its last day: added up across days, written at the end
        Rollups monthly = new Rollups();
        for (int day = DAYS - 1; day >= 0; day--) {
            Rollups rollups = new Rollups();
            long dayStart = today - day * Rollups.DAY_MS;
            List<UsageEvent> list = new ArrayList<>(raw ? (int) perDay : 0);
            for (long i = 0; i < perDay; i++) {
                UsageEvent e = event(r, cumulative, dayStart);
                if (raw) {
                    e = new UsageEvent("ue_" + day + "_" + i, "req_" + day + "_" + i, e.createdAtMs(), e.accountId(),
                            e.keyId(), e.endUser(), e.tags(), e.endpoint(), e.requestedModel(), e.model(), e.provider(),
                            e.upstreamModel(), e.calls(), e.fallback(), e.model() + "@" + e.provider() + "=ok", e.task(),
                            e.taskDeclared(), e.complexity(), e.status(), e.errorCode(), e.inputTokens(), e.outputTokens(),
                            e.cachedTokens(), 0, 0, e.costMicros(), 0, false, e.streamed(), e.latencyMs(), e.ttfbMs());
                    list.add(e);
                }
                rollups.add(e);
            }
            var it = rollups.rows().entrySet().iterator();
            while (it.hasNext()) {
                var row = it.next();
                if (!row.getKey().period().equals("m")) continue;
                monthly.rows().merge(row.getKey(), row.getValue(), AnalyticsBench::sum);
                it.remove();
            }
            rows += rollups.size();
            BenchBulkLoad.day(db, list, rollups);
            if (day % 10 == 0) {
                System.out.printf(Locale.ROOT, "  loaded %d of %d days, %,d rollup rows, %.0f s%n", DAYS - day, DAYS, rows,
                        (System.nanoTime() - started) / 1e9);
            }
        }
        rows += monthly.size();
        BenchBulkLoad.day(db, List.of(), monthly);
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            // PostgreSQL: VACUUM sets the visibility map, as autovacuum does for past days in a running system;
            // without it no index-only scan is possible and the covering indexes are read like plain ones
            st.execute(db.dialect() == dev.tollgate.store.Dialect.POSTGRES ? "VACUUM ANALYZE usage_rollups" : "ANALYZE");
        }
        return rows;
    }

    private static long[] sum(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) a[i] += b[i];
        return a;
    }

    static UsageEvent event(Random r, double[] cumulative, long dayStart) {
        int a = Arrays.binarySearch(cumulative, r.nextDouble());
        a = a < 0 ? -a - 1 : a;
        a = Math.min(a, ACCOUNTS - 1);
        int users = 1 + (a * 7919) % 200;                     // 1..200 end users per account
        String user = r.nextInt(4) == 0 ? null : "u" + (int) Math.floor(Math.pow(r.nextDouble(), 3) * users);
        int m = (int) Math.floor(Math.pow(r.nextDouble(), 2) * MODELS.length);
        String task = TASKS[(int) Math.floor(Math.pow(r.nextDouble(), 2) * TASKS.length)];
        boolean ok = r.nextInt(50) != 0;
        long in = ok ? 50 + r.nextInt(2_000) : 0;
        long out = ok ? 10 + r.nextInt(800) : 0;
        long hourMs = (long) (Math.abs(r.nextGaussian() * 0.22 + 0.55) % 1.0 * Rollups.DAY_MS); // busier by day
        return new UsageEvent("e", "r", dayStart + hourMs, account(a), "key_" + a + "_" + r.nextInt(1 + a % 4), user, null,
                "/v1/chat/completions", MODELS[m], MODELS[m], ok ? PROVIDERS[m] : null, MODELS[m], 1, false, null, task,
                false, "simple", ok ? 200 : 502, ok ? null : "upstream_error", in, out, ok && r.nextInt(5) == 0 ? in / 2 : 0,
                0, 0, ok ? (in * 150 + out * 600) / 1000 + 1 : 0, 0, false, r.nextBoolean(), 100 + r.nextInt(3000), 50);
    }

    static void queries(Database db, long nowMs) {
        UsageQueries q = new UsageQueries(db, db);
        String heavy = account(0);
        String median = account(ACCOUNTS / 2);
        Window h24 = Window.hours(24, nowMs);
        Window d30 = Window.days(30, nowMs);
        Window d90 = Window.days(90, nowMs);
        time("caller stats hours=24 (heaviest account)", () -> q.account(heavy, h24, List.of("provider", "model", "task"), false));
        time("caller stats hours=24 (median account)", () -> q.account(median, h24, List.of("provider", "model", "task"), false));
        time("caller daily days=30 group_by=model (heaviest)", () -> q.account(heavy, d30, List.of("model"), true));
        time("caller daily days=90 group_by=user (heaviest)", () -> q.account(heavy, d90, List.of("end_user"), true));
        time("caller daily days=90 period=month (heaviest)", () -> q.account(heavy, d90, List.of(), true));
        time("estimate observed output (account, model, task)", () -> q.observedOutput(heavy, MODELS[0], "general", d30));
        time("estimate observed output (all accounts, model)", () -> q.observedOutput(null, MODELS[0], null, d30));
        time("admin summary hours=24", () -> q.totals(h24));
        time("admin summary days=30", () -> q.totals(d30));
        time("admin trends days=90", () -> q.system(d90, List.of(), true));
        time("admin top-accounts days=30", () -> q.topAccounts(d30, "cost_micros", 10));
        time("admin top-users days=30", () -> q.topUsers(d30, "cost_micros", 10, null));
        time("admin top-users days=90", () -> q.topUsers(d90, "cost_micros", 10, null));
        // a window starting mid-month is the monthly rows' worst case: ~15 edge days read from the daily rows
        long lastMonth = Rollups.monthStart(Rollups.monthStart(nowMs) - 1);
        for (long from : new long[] {lastMonth + 15 * Rollups.DAY_MS, Rollups.monthStart(lastMonth - 1) + 15 * Rollups.DAY_MS}) {
            int days = (int) ((Math.floorDiv(nowMs, Rollups.DAY_MS) * Rollups.DAY_MS - from) / Rollups.DAY_MS) + 1;
            Window w = Window.days(days, nowMs);
            time("admin top-users days=" + days + " (from " + w.label(w.fromBucketMs()) + ")", () -> q.topUsers(w, "cost_micros", 10, null));
        }
        time("admin top-users days=90 account=heaviest", () -> q.topUsers(d90, "cost_micros", 10, heavy));
        time("admin models days=30", () -> q.system(d30, List.of("model"), false));
        time("admin providers days=90", () -> q.system(d90, List.of("provider"), false));
        time("admin tasks days=30", () -> q.system(d30, List.of("task"), false));
        time("admin plans days=30", () -> q.plans(d30));
    }

    static void time(String name, Supplier<Object> query) {
        long[] ns = new long[RUNS];
        long[] cpu = new long[RUNS];
        Object last = null;
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            long cpuStart = threadCpuNanos();
            last = query.get();
            ns[i] = System.nanoTime() - start;
            cpu[i] = threadCpuNanos() - cpuStart;
        }
        Arrays.sort(ns);
        Arrays.sort(cpu);
        int size = last instanceof List<?> l ? l.size() : 1;
        // SQLite runs in this thread, so its CPU time is the query's cost whatever else the machine is doing;
        // PostgreSQL works in its own process, so there only the wall time means something
        System.out.printf(Locale.ROOT, "  %-50s median %7.2f ms  max %7.2f ms  client CPU median %7.2f ms  (%d rows)%n",
                name, ns[RUNS / 2] / 1e6, ns[RUNS - 1] / 1e6, cpu[RUNS / 2] / 1e6, size);
    }

    /** Writer throughput (events/s, batches of {@link UsageAnalytics#BATCH_SIZE_MAX}) and request-thread CPU per event. */
    static void ingest(Database db) throws Exception {
        Random r = new Random(7);
        double[] cumulative = cumulative(zipf(ACCOUNTS, 1.1));
        long now = System.currentTimeMillis();
        int n = 100_000;
        List<UsageEvent> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            UsageEvent e = event(r, cumulative, now);
            list.add(new UsageEvent("ue_bench_" + now + "_" + i, e.requestId(), now, e.accountId(), e.keyId(), e.endUser(), e.tags(),
                    e.endpoint(), e.requestedModel(), e.model(), e.provider(), e.upstreamModel(), e.calls(), e.fallback(),
                    "gpt-4o-mini@openai=ok", e.task(), e.taskDeclared(), e.complexity(), e.status(), e.errorCode(),
                    e.inputTokens(), e.outputTokens(), e.cachedTokens(), 0, 0, e.costMicros(), 0, false, e.streamed(),
                    e.latencyMs(), e.ttfbMs()));
        }
        UsageWriter writer = new UsageWriter(db, 200_000, Integer.getInteger("tg.batch", UsageAnalytics.BATCH_SIZE_MAX), UsageAnalytics.LINGER_MS,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long writerId = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("tollgate-usage-writer"))
                .mapToLong(Thread::threadId).max().orElse(-1);
        long writerCpu0 = threads.getThreadCpuTime(writerId);
        long start = System.nanoTime();
        for (UsageEvent e : list) writer.offer(e);
        long offeredNs = System.nanoTime() - start;
        writer.flush(java.time.Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        // the writer's own CPU (SQLite works in it; PostgreSQL's share is in the server): the rate one free core
        // would sustain, whatever else the machine is running
        double cpuS = (threads.getThreadCpuTime(writerId) - writerCpu0) / 1e9;
        writer.close();
        System.out.printf(Locale.ROOT, "  ingest: %,d events written with rollups in %.1f s = %,.0f events/s wall; writer thread "
                + "CPU %.1f µs/event = %,.0f events per CPU-second; offer() %.2f µs/event; dropped %d, failed %d%n",
                n, seconds, n / seconds, cpuS * 1e6 / n, n / cpuS, offeredNs / 1e3 / n, writer.droppedCount(), writer.failedCount());
    }

    /**
     * CPU the request thread spends recording one chat request (facts filled as the request path does,
     * the event built, meters updated, the event queued): without and with the prompt analysis that runs
     * when a request declares no task and was not routed by auto.
     */
    static void recorderCpu(Database db) throws Exception {
        var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        UsageWriter writer = new UsageWriter(db, 1_000, 500, 50, registry);
        UsageRecorder recorder = new UsageRecorder(writer, new UsageMetrics(registry), AccessLog.open("off", false),
                java.time.Clock.systemUTC(), true, true);
        var model = new dev.tollgate.config.TollgateConfig.Model("gpt-4o-mini", "openai", "gpt-4o-mini",
                dev.tollgate.config.TollgateConfig.Price.FREE, true, null);
        var provider = new dev.tollgate.provider.ChatProvider() {
            public String name() { return "openai"; }
            public dev.tollgate.provider.ChatResult complete(dev.tollgate.provider.ChatCall c) { throw new UnsupportedOperationException(); }
            public void stream(dev.tollgate.provider.ChatCall c, java.util.function.Consumer<dev.tollgate.provider.StreamChunk> s) {
                throw new UnsupportedOperationException();
            }
        };
        var d = new dev.tollgate.routing.Deployment(model, provider);
        var body = (com.fasterxml.jackson.databind.node.ObjectNode) dev.tollgate.json.Json.MAPPER.readTree(
                "{\"model\":\"gpt-4o-mini\",\"user\":\"u-42\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Write a short function that reverses a string in Python and explain it briefly.\"}]}");
        for (boolean analyse : new boolean[] {false, true, false, true}) {
            int n = 200_000;
            long cpuBefore = threadCpuNanos();
            for (int i = 0; i < n; i++) {
                UsageFacts f = new UsageFacts(System.nanoTime(), System.currentTimeMillis());
                f.caller("acct_1", "key_1");
                f.requested("gpt-4o-mini", body);
                f.chat(false, body);
                if (!analyse) f.task("coding", true, null);
                f.attempts("gpt-4o-mini@openai=ok", 1, false);
                f.charged(d, new dev.tollgate.metering.Usage(120, 0, 40, 0), 90, 0);
                recorder.record(f, "/v1/chat/completions", 200, "req_1", 1_000_000);
                if (i % 500 == 499) writer.flush(java.time.Duration.ofMinutes(1)); // keep the queue from dropping
            }
            double nsPerRequest = (threadCpuNanos() - cpuBefore) / (double) n;
            System.out.printf(Locale.ROOT, "  recorder CPU on the request thread: %.2f µs/request (%s)%n", nsPerRequest / 1e3,
                    analyse ? "with prompt analysis" : "task declared");
        }
        writer.close();
    }

    private static long threadCpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static double[] zipf(int n, double s) {
        double[] w = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += w[i] = 1 / Math.pow(i + 1, s);
        for (int i = 0; i < n; i++) w[i] /= sum;
        return w;
    }

    static double[] cumulative(double[] w) {
        double[] c = new double[w.length];
        double acc = 0;
        for (int i = 0; i < w.length; i++) c[i] = acc += w[i];
        return c;
    }

    static String account(int a) {
        return "acct_bench_" + a;
    }

    private static String createSchema(String base, String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        return base + "&currentSchema=" + schema;
    }

    private static void dropSchema(String base, String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
