package dev.tollgate.bench.soak;

import dev.tollgate.ledger.Ledger;
import dev.tollgate.ledger.LedgerOptions;
import dev.tollgate.ledger.VerifyReport;
import dev.tollgate.store.Database;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The soak's verdict, run while the replicas still serve (so expiry runs) and after the traffic ended:
 * each check prints one line, PASS or FAIL with its figures; the result is the number of FAILs.
 */
final class SoakChecks {
    /** A 5xx counts as "during the PostgreSQL pause" up to this long after it: the store pool's connection timeout and a margin. */
    static final long PG_GRACE_MS = 12_000;
    static final long REDIS_GRACE_MS = 3_000;

    private final Soak soak;
    private final List<Outcome> all;
    private final Map<String, String> results = new LinkedHashMap<>();
    private int failures;

    SoakChecks(Soak soak) {
        this.soak = soak;
        this.all = new ArrayList<>(soak.outcomes);
        all.sort(Comparator.comparingLong(Outcome::startMs));
    }

    int runAndPrint() throws Exception {
        printTraffic();
        long holdsClosedMs = openHoldsDrain();
        ledgerVerifies();
        noAccountBelowZero();
        chargesMatchTheUpstreamsRecord();
        fiveHundredsOnlyDuringThePause();
        limitsNotLeftOpen();
        rateBounds("rpm key", Outcome.Kind.RPM_KEY, o -> 1, Soak.RPM_KEY_LIMIT);
        rateBounds("tpm key", Outcome.Kind.TPM_KEY, Outcome::tokens, Soak.TPM_KEY_LIMIT);
        quotaExact();
        alertsOnce();
        printFigures(holdsClosedMs);
        System.out.println();
        System.out.println("| check | result |");
        System.out.println("|---|---|");
        results.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
        System.out.println();
        System.out.println(failures == 0 ? "SOAK PASSED" : "SOAK FAILED: " + failures + " check(s) violated");
        return failures;
    }

    private void check(String name, boolean ok, String detail) {
        results.put(name, (ok ? "PASS" : "FAIL") + " — " + detail);
        if (!ok) failures++;
    }

    // --- traffic table ----------------------------------------------------------------------

    private void printTraffic() {
        Map<Outcome.Kind, long[]> byKind = new EnumMap<>(Outcome.Kind.class); // total, 200 done, 4xx, 5xx, cut
        for (Outcome o : all) {
            long[] c = byKind.computeIfAbsent(o.kind(), k -> new long[5]);
            c[0]++;
            if (o.completed()) c[1]++;
            else if (o.status() >= 400 && o.status() < 500) c[2]++;
            else if (o.status() >= 500) c[3]++;
            else c[4]++;
        }
        System.out.println();
        System.out.println("| kind | requests | 200 complete | 4xx | 5xx | cut/disconnected |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        long[] total = new long[5];
        byKind.forEach((k, c) -> {
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d |%n", k.name().toLowerCase(Locale.ROOT), c[0], c[1], c[2], c[3], c[4]);
            for (int i = 0; i < 5; i++) total[i] += c[i];
        });
        System.out.printf(Locale.ROOT, "| all | %d | %d | %d | %d | %d |%n", total[0], total[1], total[2], total[3], total[4]);
        Map<String, Long> codes = new HashMap<>();
        for (Outcome o : all) if (o.errorCode() != null) codes.merge(o.status() + " " + o.errorCode(), 1L, Long::sum);
        System.out.println();
        System.out.println("error answers: " + codes);
    }

    private void printFigures(long holdsClosedMs) {
        List<Long> latencies = all.stream().filter(Outcome::completed).map(o -> o.endMs() - o.startMs()).sorted().toList();
        long seconds = Math.max(1, (soak.trafficEndMs - soak.trafficStartMs) / 1000);
        Soak.Timeline t = soak.timeline;
        System.out.println();
        System.out.println("| figure | value |");
        System.out.println("|---|---|");
        System.out.printf(Locale.ROOT, "| replicas × clients × seconds | %d × %d × %d |%n", soak.options.replicas(), soak.options.clients(), seconds);
        System.out.printf(Locale.ROOT, "| requests/s (all answers) | %.1f |%n", all.size() / (double) seconds);
        System.out.printf(Locale.ROOT, "| completed requests/s | %.1f |%n", latencies.size() / (double) seconds);
        if (!latencies.isEmpty()) {
            System.out.printf(Locale.ROOT, "| latency p50 / p99 / max (completed, ms) | %d / %d / %d |%n", pct(latencies, 50),
                    pct(latencies, 99), latencies.get(latencies.size() - 1));
        }
        if (t.killAt > 0) {
            System.out.printf(Locale.ROOT, "| kill -9 → victim's holds and slices released (%d holds, %d slices open at the kill; "
                    + "hold TTL %d ms, replica lease 5000 ms) | %d ms |%n",
                    t.victimOpenHolds, Math.max(0, t.victimOpenSlices), Soak.HOLD_TTL_MS, t.victimHoldsReleasedAt - t.killAt);
            System.out.printf(Locale.ROOT, "| kill -9 → replica serving again | %d ms |%n", t.restartedAt - t.killAt);
        }
        System.out.printf(Locale.ROOT, "| traffic end → no hold open | %d ms |%n", holdsClosedMs);
        System.out.printf(Locale.ROOT, "| upstream calls / alert webhooks received | %d / %d |%n", soak.upstream.calls.get(),
                soak.upstream.webhooks.values().stream().mapToLong(java.util.concurrent.atomic.AtomicLong::get).sum());
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    // --- checks ------------------------------------------------------------------------------

    /** Waits for every hold to be resolved (settled, released or expired); fails past TTL + a margin. */
    private long openHoldsDrain() throws Exception {
        long start = System.currentTimeMillis();
        long deadline = start + Soak.HOLD_TTL_MS + 20_000;
        long open;
        while ((open = scalar("SELECT COUNT(*) FROM ledger_holds WHERE status = 'open'")) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        check("no ledger hold open after expiry", open == 0, open + " open, " + (System.currentTimeMillis() - start)
                + " ms after the traffic ended (hold TTL " + Soak.HOLD_TTL_MS + " ms)");
        return System.currentTimeMillis() - start;
    }

    private void ledgerVerifies() {
        try (Database db = Database.open(soak.schemaUrl); Ledger ledger = new Ledger(db, Clock.systemUTC(), LedgerOptions.defaults())) {
            VerifyReport r = ledger.verify();
            check("ledger verify", r.ok(), r.transfers() + " transfers, " + r.accounts() + " accounts, " + r.holds() + " holds, "
                    + r.problemCount() + " problems" + (r.problems().isEmpty() ? "" : ": " + r.problems().subList(0, Math.min(3, r.problems().size()))));
        }
    }

    private void noAccountBelowZero() throws Exception {
        long below = scalar("SELECT COUNT(*) FROM ledger_balances WHERE account NOT LIKE 'system:%' AND (posted < 0 OR posted - held < 0)");
        long poor = scalar("SELECT posted FROM ledger_balances WHERE account = '" + soak.poorAccount + "'");
        check("no account below zero", below == 0, below + " user accounts below zero; the near-empty account ended at "
                + poor + " µcr of " + Soak.POOR_CREDITS_MICROS);
    }

    static long costMicros(SoakUpstream.Usage u) {
        return u.prompt() * 1_000 + u.completion() * 2_000; // $1 / $2 per 1M tokens, 1 credit = $0.001
    }

    private void chargesMatchTheUpstreamsRecord() throws Exception {
        Map<String, Long> charges = new HashMap<>();
        try (Connection c = DriverManager.getConnection(soak.schemaUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT request_id, amount FROM ledger_transfers WHERE type = 'charge'")) {
            while (rs.next()) charges.merge(String.valueOf(rs.getString(1)), rs.getLong(2), Long::sum);
        }
        long checked = 0, wrong = 0, chargedSum = 0, expectedSum = 0;
        List<String> examples = new ArrayList<>();
        for (Outcome o : all) {
            if (!o.completed()) continue;
            SoakUpstream.Usage u = soak.upstream.reported.get(o.marker());
            long charged = o.requestId() == null ? -1 : charges.getOrDefault(o.requestId(), 0L);
            long expected = u == null ? -2 : "hit".equals(o.cache()) ? (long) Math.ceil(Soak.HIT_PRICE * costMicros(u)) : costMicros(u);
            checked++;
            chargedSum += Math.max(0, charged);
            expectedSum += Math.max(0, expected);
            if (charged != expected) {
                wrong++;
                if (examples.size() < 3) examples.add(o.kind() + " " + o.requestId() + " charged " + charged + " expected " + expected);
            }
        }
        check("Σ charges = Σ usage × price (per completed request)", wrong == 0 && checked > 0, checked
                + " completed requests, Σ charged " + chargedSum + " µcr = Σ expected " + expectedSum + " µcr, " + wrong + " differ" + (examples.isEmpty() ? "" : " " + examples));
        long charged5xx = all.stream().filter(o -> o.status() >= 500 && o.requestId() != null && charges.containsKey(o.requestId())).count();
        check("no 5xx answer charged", charged5xx == 0, charged5xx + " charged of " + all.stream().filter(o -> o.status() >= 500).count());
    }

    private void fiveHundredsOnlyDuringThePause() {
        Soak.Timeline t = soak.timeline;
        long outside = 0, inPause = 0, quotaInRedisOutage = 0;
        List<String> examples = new ArrayList<>();
        for (Outcome o : all) {
            if (o.status() < 500) continue;
            boolean pg = t.pgPauseAt > 0 && o.endMs() >= t.pgPauseAt && o.startMs() <= t.pgResumeAt + PG_GRACE_MS;
            boolean redisQuota = t.redisDownAt > 0 && "limits_unavailable".equals(o.errorCode())
                    && o.endMs() >= t.redisDownAt && o.startMs() <= t.redisUpAt + REDIS_GRACE_MS;
            if (pg) inPause++;
            else if (redisQuota) quotaInRedisOutage++;
            else {
                outside++;
                if (examples.size() < 3) examples.add(o.kind() + " " + o.status() + " " + o.errorCode() + " at +" + (o.startMs() - soak.trafficStartMs) + " ms");
            }
        }
        check("no 5xx except during the PostgreSQL pause", outside == 0, inPause + " during the pause, " + quotaInRedisOutage
                + " quota fail-closed while Redis was down (documented), " + outside + " elsewhere" + (examples.isEmpty() ? "" : " " + examples));
    }

    /** Parallel slots (sorted sets of leases) and quota reservations (held counters) in Redis, after their expiry. */
    private void limitsNotLeftOpen() throws Exception {
        Thread.sleep(1_000);
        long liveLeases = 0, heldQuota = 0, zsets = 0, heldHashes = 0;
        long now = System.currentTimeMillis();
        RedisClient client = RedisClient.create(soak.redis.url());
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> redis = conn.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.limit(500));
                for (String key : page.getKeys()) {
                    String type = redis.type(key);
                    if (type.equals("zset") && !key.endsWith(":exp")) {
                        zsets++;
                        liveLeases += redis.zcount(key, Range.create((double) now, Double.POSITIVE_INFINITY));
                    } else if (type.equals("hash") && key.endsWith(":held")) {
                        heldHashes++;
                        for (String v : redis.hvals(key)) heldQuota += Long.parseLong(v);
                    }
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
        check("no parallel slot or quota reservation open after expiry", liveLeases == 0 && heldQuota == 0,
                liveLeases + " live parallel leases in " + zsets + " slot sets, " + heldQuota + " quota units held in "
                        + heldHashes + " counters (Redis, after the traffic)");
    }

    /**
     * A GCRA bucket of {@code limit} per minute admits at most {@code limit + limit·T/60} in any window of T
     * seconds. Requests admitted while Redis was down (fail open) are not counted; a window that spans the
     * Redis restart may hold one more full bucket (the restarted Redis starts with a full one).
     */
    private void rateBounds(String name, Outcome.Kind kind, ToLongFunction<Outcome> units, long limit) {
        List<Outcome> admitted = all.stream().filter(o -> o.kind() == kind && o.status() == 200).toList();
        Soak.Timeline t = soak.timeline;
        double worst = 0;
        String detail = "no window";
        for (int i = 0; i < admitted.size(); i++) {
            long from = admitted.get(i).startMs();
            for (long windowS : new long[] {10, 60}) {
                long to = from + windowS * 1000;
                long sum = 0;
                for (int j = i; j < admitted.size() && admitted.get(j).startMs() < to; j++) {
                    Outcome o = admitted.get(j);
                    boolean failOpen = t.redisDownAt > 0 && o.endMs() >= t.redisDownAt && o.startMs() <= t.redisUpAt + REDIS_GRACE_MS;
                    if (!failOpen) sum += units.applyAsLong(o);
                }
                boolean spansRestart = t.redisUpAt > 0 && from <= t.redisUpAt + REDIS_GRACE_MS && to >= t.redisDownAt;
                double bound = limit + limit * windowS / 60.0 + (spansRestart ? limit : 0);
                if (sum / bound > worst) {
                    worst = sum / bound;
                    detail = sum + " in " + windowS + " s against a bound of " + (long) bound;
                }
            }
        }
        long refused = all.stream().filter(o -> o.kind() == kind && o.status() == 429).count();
        check("global " + name + " within its bound", worst <= 1.0, String.format(Locale.ROOT,
                "limit %d/min across %d replicas: %d admitted, %d refused; fullest window %s (%.0f %%)",
                limit, soak.options.replicas(), admitted.size(), refused, detail, worst * 100));
    }

    private void quotaExact() {
        long admitted = all.stream().filter(o -> o.kind() == Outcome.Kind.METERED && o.status() == 200).count();
        long refused = all.stream().filter(o -> o.kind() == Outcome.Kind.METERED && o.status() == 429).count();
        check("monthly message quota never exceeded", admitted <= Soak.METERED_MESSAGES,
                admitted + " admitted of " + Soak.METERED_MESSAGES + " across the replicas, " + refused + " refused");
    }

    private void alertsOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        Map<String, Long> perCrossing = new HashMap<>();
        try (Connection c = DriverManager.getConnection(soak.schemaUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, scope, subject, metric, threshold, period FROM alerts")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
                perCrossing.merge(rs.getString(2) + "/" + rs.getString(3) + "/" + rs.getString(4) + "/" + rs.getInt(5) + "/"
                        + rs.getString(6), 1L, Long::sum);
            }
        }
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline && !ids.stream().allMatch(soak.upstream.webhooks::containsKey)) Thread.sleep(200);
        long duplicatesInStore = perCrossing.values().stream().filter(n -> n > 1).count();
        long undelivered = ids.stream().filter(id -> !soak.upstream.webhooks.containsKey(id)).count();
        long deliveredTwice = soak.upstream.webhooks.values().stream().filter(n -> n.get() > 1).count();
        long meteredAdmitted = all.stream().filter(o -> o.kind() == Outcome.Kind.METERED && o.status() == 200).count();
        long meteredAlerts = perCrossing.keySet().stream().filter(k -> k.contains(soak.meteredAccount)).count();
        long expectedMetered = meteredAdmitted >= Soak.METERED_MESSAGES ? 3 : meteredAdmitted * 100 >= 80L * Soak.METERED_MESSAGES ? 2
                : meteredAdmitted * 100 >= 50L * Soak.METERED_MESSAGES ? 1 : 0;
        check("every alert fired exactly once", duplicatesInStore == 0 && undelivered == 0 && deliveredTwice == 0
                        && meteredAlerts == expectedMetered,
                ids.size() + " alerts (" + meteredAlerts + " of the quota account's 50/80/100 %, " + expectedMetered
                        + " expected), " + duplicatesInStore + " duplicated, webhooks: " + undelivered + " undelivered, "
                        + deliveredTwice + " delivered twice");
    }

    private long scalar(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(soak.schemaUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
