package dev.tollgate.ledger;

import dev.tollgate.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Settled charges per second (hold + settle each, durable) with many concurrent virtual threads.
 * Usage: LedgerBench sqlite|postgres|postgres3[+slices] [charges] [concurrency] [postgres base URL];
 * postgres3 runs three Ledger instances (each with its own pool) on one schema, like three
 * gateway processes; {@code +slices} turns credit slices on (holds in memory, one write per charge),
 * as the gateway runs. For PostgreSQL a throw-away schema is created and dropped afterwards.
 */
public final class LedgerBench {
    private static final long WORST_MICROS = 20_000;
    private static final int ACCOUNTS = 1_000;

    private LedgerBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "sqlite";
        boolean slices = mode.endsWith("+slices");
        String store = mode.replace("+slices", "");
        int charges = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 1_024;
        String pgBase = args.length > 3 ? args[3] : "jdbc:postgresql://127.0.0.1:5432/tollgate_bench?user=postgres";
        String schema = "bench_" + Long.toString(System.nanoTime(), 36);
        Path dir = Files.createTempDirectory("tollgate-bench");
        String dialect = store.startsWith("postgres") ? "postgres" : "sqlite";
        int instances = store.equals("postgres3") ? 3 : 1;
        String url = dialect.equals("postgres") ? createSchema(pgBase, schema) : "jdbc:sqlite:" + dir.resolve("bench.db");
        List<Database> dbs = new ArrayList<>();
        List<Ledger> ledgers = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                dbs.add(Database.open(url)); // one pool per instance, as separate processes would have
                LedgerOptions options = LedgerOptions.defaults().withSlices(Duration.ofSeconds(slices ? 5 : 0));
                ledgers.add(new Ledger(dbs.get(i), Clock.systemUTC(), options));
            }
            Ledger first = ledgers.get(0);
            for (int a = 0; a < ACCOUNTS; a++) first.grant("fund" + a, account(a), Long.MAX_VALUE / 4 / ACCOUNTS, "bench");
            run(ledgers, "warmup", Math.max(1, charges / 10), concurrency);
            long batchesBefore = batches(ledgers);
            long opsBefore = opsCommitted(ledgers);
            double perSecond = run(ledgers, "run", charges, concurrency);
            long batches = batches(ledgers) - batchesBefore;
            VerifyReport report = first.verify();
            long ops = opsCommitted(ledgers) - opsBefore;
            System.out.printf(Locale.ROOT, "%s%s: %,d settled charges, %d ledger instance(s), %d-way concurrency: "
                            + "%,.0f charges/s, %.2f store operations per charge, %.1f operations per transaction, "
                            + "verify %s%n",
                    dialect, slices ? " (slices)" : "", charges, instances, concurrency, perSecond,
                    (double) ops / charges, (double) ops / Math.max(1, batches),
                    report.ok() ? "ok" : "FAILED " + report.problems());
        } finally {
            ledgers.forEach(Ledger::close);
            dbs.forEach(Database::close);
            if (dialect.equals("postgres")) dropSchema(pgBase, schema);
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    private static long opsCommitted(List<Ledger> ledgers) {
        return ledgers.stream().mapToLong(Ledger::operationsCommitted).sum();
    }

    private static long batches(List<Ledger> ledgers) {
        return ledgers.stream().mapToLong(Ledger::batchesCommitted).sum();
    }

    private static double run(List<Ledger> ledgers, String phase, int charges, int concurrency) throws Exception {
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                Ledger ledger = ledgers.get(w % ledgers.size());
                workers.add(pool.submit(() -> {
                    for (long i = next.getAndIncrement(); i < charges; i = next.getAndIncrement()) {
                        String id = phase + i + ":hold";
                        ledger.hold(id, account((int) (i % ACCOUNTS)), WORST_MICROS, Duration.ofMinutes(5));
                        ledger.settle(id, WORST_MICROS / 2, new ChargeDetails(phase + i, "mock-small", "mock",
                                "pb-1", 120, 0, 60, 0));
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) f.get();
        }
        return charges / ((System.nanoTime() - start) / 1e9);
    }

    private static String account(int a) {
        return "acct_bench" + a;
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
