package dev.tollgate.limits.quota;

import dev.tollgate.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guard's quota cost per request: one reserve + one settle of four claims (the account's
 * messages, tokens and spend, the key's spend), as the guard of a plan with quotas and budgets does.
 * Usage: QuotaBench local|redis|database [requests] [concurrency] [sqlite|postgres] [redis URL].
 * Prints µs per request at concurrency 1 and requests/s at the given concurrency, over 1,000
 * accounts ("spread") and over one account ("hot": every request contends for the same counters).
 */
public final class QuotaBench {
    private static final int ACCOUNTS = 1_000;

    private QuotaBench() {}

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "local";
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        String storeKind = args.length > 3 ? args[3] : "sqlite";
        String redisUrl = args.length > 4 ? args[4] : "redis://127.0.0.1:6379";
        String pgBase = "jdbc:postgresql://127.0.0.1:5432/tollgate_bench?user=postgres";
        String schema = "qbench_" + Long.toString(System.nanoTime(), 36);
        Path dir = Files.createTempDirectory("tollgate-qbench");
        String url = storeKind.equals("postgres") ? createSchema(pgBase, schema) : "jdbc:sqlite:" + dir.resolve("bench.db");
        String prefix = "tollgate-bench:quota:" + Long.toString(System.nanoTime(), 36) + ":";
        QuotaOptions options = QuotaOptions.local(60_000);
        if (kind.equals("redis")) options = options.withRedis(redisUrl, prefix);
        if (kind.equals("database")) options = options.withStore(QuotaOptions.Store.DATABASE);
        try (Database db = Database.open(url);
             Quotas quotas = Quotas.create(db, Clock.systemUTC(), new SimpleMeterRegistry(), UsageListener.NONE, options)) {
            long emptyNs = empty(quotas);
            run(quotas, "warmup", Math.max(1_000, requests / 10), concurrency, ACCOUNTS);
            int c1Requests = Math.max(1_000, requests / 20);
            long cpuC1 = cpuNs();
            double c1 = run(quotas, "c1", c1Requests, 1, ACCOUNTS);
            double cpuC1Us = (cpuNs() - cpuC1) / 1e3 / c1Requests;
            long cpuBefore = cpuNs();
            double spread = run(quotas, "spread", requests, concurrency, ACCOUNTS);
            double cpuUs = (cpuNs() - cpuBefore) / 1e3 / requests;
            double hot = run(quotas, "hot", requests / 4, concurrency, 1);
            System.out.printf(Locale.ROOT, "%s (%s): no claims %d ns/request; 4 claims: %.1f µs/request at c=1 "
                            + "(%,.0f req/s, %.1f µs CPU); c=%d: %,.0f req/s over %d accounts (%.1f µs CPU/request, this JVM), "
                            + "%,.0f req/s on one account%n",
                    kind, storeKind, emptyNs, 1e6 / c1, c1, cpuC1Us, concurrency, spread, ACCOUNTS, cpuUs, hot);
        } finally {
            if (kind.equals("redis")) deleteKeys(redisUrl, prefix);
            if (storeKind.equals("postgres")) dropSchema(pgBase, schema);
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** CPU time of this JVM (every thread: callers, the batch writer, Lettuce's I/O threads, GC). */
    private static long cpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** ns per reserve of a request without claims (the common case: no quota at all). */
    private static long empty(Quotas quotas) {
        int n = 2_000_000;
        long start = System.nanoTime();
        long admitted = 0;
        for (int i = 0; i < n; i++) {
            if (quotas.reserve("e" + (i & 7), List.of()) instanceof QuotaResult.Admitted) admitted++;
        }
        if (admitted != n) throw new IllegalStateException("refused without claims");
        return (System.nanoTime() - start) / n;
    }

    /** requests/s of reserve + settle with {@code concurrency} virtual threads. */
    private static double run(Quotas quotas, String phase, int requests, int concurrency, int accounts) throws Exception {
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    for (long i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        String account = "acct_bench" + (i % accounts);
                        Counter messages = new Counter("account", account, "messages");
                        Counter tokens = new Counter("account", account, "tokens");
                        Counter spend = new Counter("account", account, "spend_micros");
                        Counter keySpend = new Counter("key", "key_bench" + (i % accounts), "spend_micros");
                        QuotaResult r = quotas.reserve(phase + i, List.of(new Claim(messages, Long.MAX_VALUE / 4, 1),
                                new Claim(tokens, Long.MAX_VALUE / 4, 4_096), new Claim(spend, Long.MAX_VALUE / 4, 20_000),
                                new Claim(keySpend, Long.MAX_VALUE / 4, 20_000)));
                        if (!(r instanceof QuotaResult.Admitted a)) throw new IllegalStateException(phase + ": " + r);
                        a.reservation().settle(Map.of(messages, 1L, tokens, 1_200L, spend, 7_000L, keySpend, 7_000L));
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) f.get();
        }
        return requests / ((System.nanoTime() - start) / 1e9);
    }

    /** The run's own keys only: the Redis may be shared. */
    private static void deleteKeys(String redisUrl, String prefix) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redisUrl);
        try (var c = client.connect()) {
            List<String> keys = new ArrayList<>();
            io.lettuce.core.ScanIterator.scan(c.sync(), io.lettuce.core.ScanArgs.Builder.matches(prefix + "*"))
                    .forEachRemaining(keys::add);
            if (!keys.isEmpty()) c.sync().del(keys.toArray(String[]::new));
        } finally {
            client.shutdown();
        }
    }

    private static String createSchema(String base, String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static void dropSchema(String base, String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
