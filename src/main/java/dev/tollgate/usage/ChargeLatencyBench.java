package dev.tollgate.usage;

import dev.tollgate.ledger.ChargeDetails;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.ledger.LedgerOptions;
import dev.tollgate.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What usage ingest does to durable charges on SQLite: the same load with events and rollups in the main file
 * ({@code shared}, the layout before UsageStore) and in their own file ({@code separate}), interleaved in one run.
 * Charges (credit slices on, as the gateway runs) are made by {@code concurrency} virtual threads as fast as the
 * ledger settles them, while a feeder offers {@code events_per_s} usage events of analytics-bench traffic (many
 * accounts, users, models: heavy batches). Prints charges/s and the settle latency (hold to durable charge) p50, p99,
 * p99.9 and max per layout. Usage: ChargeLatencyBench [seconds=10] [concurrency=32] [events_per_s=4000] [rounds=2]
 * (bench/charge-latency.sh).
 */
public final class ChargeLatencyBench {
    private static final int ACCOUNTS = 100;
    private static final long WORST_MICROS = 20_000;

    private ChargeLatencyBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int eventsPerSecond = args.length > 2 ? Integer.parseInt(args[2]) : 4_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        System.out.printf(Locale.ROOT, "%d s per run, %d charging threads, %,d usage events/s offered, SQLite, %d round(s)%n",
                seconds, concurrency, eventsPerSecond, rounds);
        for (int round = 1; round <= rounds; round++) {
            for (String layout : new String[] {"shared", "separate"}) run(layout, round, seconds, concurrency, eventsPerSecond);
        }
    }

    private static void run(String layout, int round, int seconds, int concurrency, int eventsPerSecond) throws Exception {
        Path dir = Files.createTempDirectory("tollgate-charge-latency");
        try (Database main = Database.open("jdbc:sqlite:" + dir.resolve("tollgate.db"))) {
            Database store = layout.equals("shared") ? main : UsageStore.open(main);
            try (Ledger ledger = new Ledger(main, Clock.systemUTC(), LedgerOptions.defaults().withSlices(Duration.ofSeconds(5)))) {
                for (int a = 0; a < ACCOUNTS; a++) ledger.grant("fund" + a, account(a), Long.MAX_VALUE / 4 / ACCOUNTS, "bench");
                UsageWriter writer = new UsageWriter(store, 50_000, UsageAnalytics.BATCH_SIZE_MAX, UsageAnalytics.LINGER_MS,
                        new SimpleMeterRegistry());
                AtomicBoolean feeding = new AtomicBoolean(true);
                Thread feeder = Thread.ofPlatform().name("bench-feeder").start(() -> feed(writer, eventsPerSecond, feeding));
                charge(ledger, "warmup", 2, concurrency);
                long[] latencies = charge(ledger, "run", seconds, concurrency);
                feeding.set(false);
                feeder.join();
                long dropped = writer.droppedCount();
                writer.flush(Duration.ofSeconds(60));
                writer.close();
                Arrays.sort(latencies);
                System.out.printf(Locale.ROOT, "round %d %-8s | %,7.0f charges/s | settle p50 %6.2f ms  p99 %6.2f ms  "
                                + "p99.9 %7.2f ms  max %7.2f ms | usage events dropped %d%n",
                        round, layout, latencies.length / (double) seconds, ms(latencies, 0.50), ms(latencies, 0.99),
                        ms(latencies, 0.999), latencies[latencies.length - 1] / 1e6, dropped);
            } finally {
                if (store != main) store.close();
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Hold + settle in a loop on every thread for {@code seconds}; the latency of each settle in ns. */
    private static long[] charge(Ledger ledger, String phase, int seconds, int concurrency) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong next = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<long[]>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    long[] mine = new long[1 << 12];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        long i = next.getAndIncrement();
                        String id = phase + i + ":hold";
                        long start = System.nanoTime();
                        ledger.hold(id, account((int) (i % ACCOUNTS)), WORST_MICROS, Duration.ofMinutes(5));
                        ledger.settle(id, WORST_MICROS / 2, new ChargeDetails(phase + i, "mock-small", "mock", "pb-1", 120, 0, 60, 0));
                        if (n == mine.length) mine = Arrays.copyOf(mine, 2 * n);
                        mine[n++] = System.nanoTime() - start;
                    }
                    return Arrays.copyOf(mine, n);
                }));
            }
            for (Future<long[]> f : workers) perThread.add(f.get());
        }
        return perThread.stream().flatMapToLong(Arrays::stream).toArray();
    }

    /** Offers {@code perSecond} events in 100 slices a second until told to stop. */
    private static void feed(UsageWriter writer, int perSecond, AtomicBoolean feeding) {
        Random r = new Random(42);
        double[] cumulative = AnalyticsBench.cumulative(AnalyticsBench.zipf(AnalyticsBench.ACCOUNTS, 1.1));
        long dayStart = System.currentTimeMillis() / Rollups.DAY_MS * Rollups.DAY_MS;
        long n = 0;
        long next = System.nanoTime();
        while (feeding.get()) {
            for (int i = 0; i < perSecond / 100; i++) {
                UsageEvent e = AnalyticsBench.event(r, cumulative, dayStart);
                writer.offer(new UsageEvent("ue_b" + n, "req_b" + n, e.createdAtMs(), e.accountId(), e.keyId(), e.endUser(),
                        e.tags(), e.endpoint(), e.requestedModel(), e.model(), e.provider(), e.upstreamModel(), e.calls(),
                        e.fallback(), e.model() + "@" + e.provider() + "=ok", e.task(), e.taskDeclared(), e.complexity(),
                        e.status(), e.errorCode(), e.inputTokens(), e.outputTokens(), e.cachedTokens(), 0, 0, e.costMicros(),
                        0, false, e.streamed(), e.latencyMs(), e.ttfbMs()));
                n++;
            }
            next += 10_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }

    private static String account(int a) {
        return "acct_bench" + a;
    }
}
