package dev.tollgate.limits;

import dev.tollgate.account.LimitOverrides;
import dev.tollgate.account.Principal;
import dev.tollgate.config.Limits;
import dev.tollgate.limits.quota.QuotaOptions;
import dev.tollgate.limits.quota.Quotas;
import dev.tollgate.limits.quota.UsageListener;
import dev.tollgate.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The guard step's cost per request (bench/guard-bench.sh): {@code admit} + {@code settle} on one thread, for a
 * key with its own rpm, tpm and max_parallel in an account whose plan sets rpm, tpm and max_parallel too (six
 * buckets), with and without monthly quotas. Usage: GuardBench local|redis [requests] [redis url].
 * Limits are far above the load, so nothing is refused and every request pays the full path.
 */
public final class GuardBench {
    private static final int KEYS = 1_000;

    private GuardBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "local";
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        String url = args.length > 2 ? args[2] : "redis://127.0.0.1:6379";
        Limits.Plan plan = new Limits.Plan("bench", 1_000_000_000, 1_000_000_000, 1_000_000, new Limits.Monthly(
                Long.MAX_VALUE / 8, Long.MAX_VALUE / 8, Long.MAX_VALUE / 8), null, null, null, Limits.Features.ALL,
                null, null, null);
        Limits limits = new Limits(60, 30_000, 250, Map.of("bench", plan));
        Limits noQuotas = new Limits(60, 30_000, 250, Map.of("bench", new Limits.Plan("bench", plan.rpm(), plan.tpm(),
                plan.maxParallel(), Limits.Monthly.NONE, null, null, null, Limits.Features.ALL, null, null, null)));
        Principal[] callers = new Principal[KEYS];
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < KEYS; i++) {
            callers[i] = new Principal("acct_" + run + "_" + i % 100, "key_" + run + "_" + i, "bench",
                    new LimitOverrides(1_000_000_000, 1_000_000_000, 1_000_000, null), null, LimitOverrides.NONE);
        }
        Demand demand = new Demand(List.of("m"), Demand.Kind.CHAT, 50, () -> 50, 1_074, () -> 2_000, 0);
        Spent spent = new Spent(60, 1_000, 0);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        Path dir = Files.createTempDirectory("tollgate-guard-bench");
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("bench.db"));
             RateLimits rates = mode.equals("redis")
                     ? new RedisRateLimits(url, "bench:limits:" + run + ":", 30_000, Duration.ofSeconds(1), metrics, Clock.systemUTC())
                     : new LocalRateLimits(Clock.systemUTC());
             Quotas quotas = Quotas.create(db, Clock.systemUTC(), metrics, UsageListener.NONE, mode.equals("redis")
                     ? QuotaOptions.local(900_000).withRedis(url, "bench:quota:" + run + ":") : QuotaOptions.local(900_000))) {
            Guard rateOnly = new Guard(noQuotas, rates, MonthlyLimits.NONE, metrics);
            Guard full = new Guard(limits, rates, new QuotaStep(quotas, Clock.systemUTC()), metrics);
            int warmup = Math.max(1, requests / 5);
            if (mode.equals("redis")) pings(url, requests);
            measure(rateOnly, callers, demand, spent, warmup);
            report(mode, "rate limits (6 buckets)", requests, measure(rateOnly, callers, demand, spent, requests));
            measure(full, callers, demand, spent, warmup);
            report(mode, "rate limits + plan quotas (5 counters)", requests, measure(full, callers, demand, spent, requests));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The floor: one PING round trip on this machine, to read the guard's Redis figure against. */
    private static void pings(String url, int requests) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(url);
        try (var connection = client.connect()) {
            for (int i = 0; i < requests / 5; i++) connection.sync().ping();
            long start = System.nanoTime();
            for (int i = 0; i < requests; i++) connection.sync().ping();
            report("redis", "PING (one round trip, for reference)", requests, System.nanoTime() - start);
        } finally {
            client.shutdown();
        }
    }

    private static long measure(Guard guard, Principal[] callers, Demand demand, Spent spent, int requests) {
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            Admission a = guard.admit(callers[i % callers.length], demand, (name, value) -> { });
            a.settle(spent);
        }
        return System.nanoTime() - start;
    }

    private static void report(String mode, String what, int requests, long nanos) {
        System.out.printf(Locale.ROOT, "%s, %s: %,d admit+settle in %.2f s = %.2f µs per request%n",
                mode, what, requests, nanos / 1e9, nanos / 1e3 / requests);
    }
}
