package dev.tollgate.limits.quota;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counters shared by every replica through Redis: exact across replicas (one Lua script checks and
 * reserves every claim atomically, one round trip; a settle or release is a second). The table
 * {@code quota_usage} stays the source of truth: every settle also goes to it through the batch
 * writer, and a counter missing in Redis (Redis restarted or flushed: it keeps nothing on disk here)
 * is seeded from the table inside the reserve script, only if still absent.
 *
 * <p>Redis down: new admissions with claims fail closed ({@link QuotaResult.Unavailable}, counted
 * in {@code tollgate.quota.unavailable}, logged once per outage). A settle still reaches the table
 * (the writer does not need Redis) and is queued to be replayed in Redis when it answers again
 * (idempotent by reservation id), so Redis does not under-count after the outage either. Holds of
 * reservations whose release could not reach Redis expire by their TTL.
 */
final class RedisQuotas implements Quotas {
    private static final Logger LOG = Logger.getLogger(RedisQuotas.class.getName());
    private static final RedisLink.Script RESERVE = RedisLink.Script.of(QuotaScripts.RESERVE);
    private static final RedisLink.Script RESOLVE = RedisLink.Script.of(QuotaScripts.RESOLVE);
    private static final RedisLink.Script RESET = RedisLink.Script.of(QuotaScripts.RESET);
    private static final RedisLink.Script RENEW = RedisLink.Script.of(QuotaScripts.RENEW);
    /** Settles and releases waiting for Redis to come back; beyond this they are dropped (counted). */
    static final int REPLAY_MAX = 100_000;
    private static final long REPLAY_EVERY_MS = 500;
    /** How long a resolved reservation's "done" marker stays (against double counting a retried settle). */
    static final long DONE_TTL_MS = 60_000;
    /** Keys live this long past the month's end (+ the TTL): late settles of the month still find them. */
    private static final long KEYS_GRACE_SECONDS = 3_600;

    private final RedisLink redis;
    private final UsageStore store;
    private final UsageWriter writer;
    private final QuotaMetrics metrics;
    private final Clock clock;
    private final UsageListener listener;
    private final long ttlMs;
    /** QuotaOptions#redisLeaseMs (0: reservations live their TTL). */
    private final long leaseMs;
    /** This replica's admitted, unresolved reservations, whose leases it renews (with a lease only). */
    private final Map<String, Reservation> open = new java.util.concurrent.ConcurrentHashMap<>();
    private final String prefix;
    private final ArrayBlockingQueue<Reservation> replay = new ArrayBlockingQueue<>(REPLAY_MAX);
    private final io.micrometer.core.instrument.Counter replayDropped;
    private final Thread replayer;
    private volatile boolean closed;

    RedisQuotas(Database db, Clock clock, MeterRegistry registry, UsageListener listener, QuotaOptions options) {
        this.redis = new RedisLink(options.redisUrl(), options.redisTimeout());
        this.store = new UsageStore(db);
        this.writer = new UsageWriter(store, clock, options.flushIntervalMs(), options.pendingCountersMax(), registry);
        this.metrics = new QuotaMetrics(registry, "redis");
        this.clock = clock;
        this.listener = listener;
        this.ttlMs = options.reservationTtlMs();
        this.leaseMs = options.redisLeaseMs();
        this.prefix = options.redisKeyPrefix();
        this.replayDropped = io.micrometer.core.instrument.Counter.builder("tollgate.quota.redis.replay.dropped")
                .description("Settles that could not reach Redis and did not fit the replay queue (they reached the table)")
                .register(registry);
        this.replayer = Thread.ofPlatform().name("tollgate-quota-replay").daemon(true).start(this::replayLoop);
    }

    /** The four keys of a month, in one hash slot (Redis Cluster runs a script only on one slot). */
    private String[] keys(YearMonth period) {
        String base = prefix + "{" + Periods.name(period) + "}:";
        return new String[] {base + "used", base + "held", base + "res", base + "exp"};
    }

    private String keysExpireAt(YearMonth period) {
        return Long.toString(Periods.end(period).getEpochSecond() + ttlMs / 1000 + KEYS_GRACE_SECONDS);
    }

    @Override
    public QuotaResult reserve(String reservationId, List<Claim> claims) {
        if (claims.isEmpty()) return NoReservation.ADMITTED;
        Actuals.distinct(claims);
        YearMonth period = period();
        String[] keys = keys(period);
        String[] args = new String[4 + 4 * claims.size()];
        args[0] = reservationId;
        args[1] = Long.toString(leaseMs > 0 ? Math.min(leaseMs, ttlMs) : ttlMs);
        args[2] = keysExpireAt(period);
        args[3] = Integer.toString(claims.size());
        for (int i = 0; i < claims.size(); i++) {
            Claim c = claims.get(i);
            args[4 + 4 * i] = c.counter().field();
            args[5 + 4 * i] = Long.toString(c.limit());
            args[6 + 4 * i] = Long.toString(c.amount());
            args[7 + 4 * i] = "";
        }
        List<Long> answer;
        try {
            answer = redis.eval(RESERVE, keys, args);
            for (int attempt = 0; answer.get(0) == -2 && attempt < 3; attempt++) {
                List<Counter> missing = new ArrayList<>();
                for (Long index : answer.subList(1, answer.size())) missing.add(claims.get(index.intValue() - 1).counter());
                Map<Counter, Long> seeds = store.read(period, missing);
                for (Long index : answer.subList(1, answer.size())) {
                    int i = index.intValue() - 1;
                    args[7 + 4 * i] = Long.toString(seeds.get(claims.get(i).counter()));
                }
                answer = redis.eval(RESERVE, keys, args);
            }
        } catch (RuntimeException e) {
            metrics.unavailable(e);
            if (e instanceof RedisCommandTimeoutException) {
                // The script may have run and held the claims: release them as soon as Redis answers
                // rather than after the TTL (a release of a reservation that does not exist is a no-op).
                Reservation maybe = new Reservation(reservationId, period, List.copyOf(claims));
                maybe.resolved.set(true);
                maybe.queueForReplay();
            }
            return new QuotaResult.Unavailable("quota counters unreachable (Redis or the store)");
        }
        long code = answer.get(0);
        if (code == 1) {
            metrics.admitted();
            Reservation r = new Reservation(reservationId, period, List.copyOf(claims));
            if (leaseMs > 0) open.put(reservationId, r);
            return new QuotaResult.Admitted(r);
        }
        if (code == 0) {
            metrics.refused();
            Claim claim = claims.get(answer.get(1).intValue() - 1);
            return new QuotaResult.Refused(claim, answer.get(2), answer.get(3), Periods.end(period));
        }
        if (code == -1) throw new IllegalStateException("quota reservation " + reservationId + " is already open");
        throw new IllegalStateException("quota counters kept disappearing while seeding " + reservationId);
    }

    @Override
    public Map<Counter, Long> used(List<Counter> counters) {
        YearMonth period = period();
        Map<Counter, Long> out = new LinkedHashMap<>();
        List<Counter> fromTable = new ArrayList<>();
        try {
            String[] fields = counters.stream().map(Counter::field).toArray(String[]::new);
            var values = redis.hmget(keys(period)[0], fields);
            for (int i = 0; i < counters.size(); i++) {
                if (values.get(i).hasValue()) out.put(counters.get(i), Long.parseLong(values.get(i).getValue()));
                else fromTable.add(counters.get(i));
            }
            metrics.up();
        } catch (RuntimeException e) {
            metrics.failed(e); // the table answers meanwhile (at most one batch behind)
            fromTable.clear();
            fromTable.addAll(counters);
        }
        if (!fromTable.isEmpty()) out.putAll(store.read(period, fromTable));
        Map<Counter, Long> ordered = new LinkedHashMap<>();
        for (Counter c : counters) ordered.put(c, out.get(c));
        return ordered;
    }

    @Override
    public void reset(String scope, String subject, String reason) {
        long nowMs = clock.millis();
        YearMonth period = Periods.of(nowMs);
        List<Counter> counters = Counter.METRICS.stream().map(m -> new Counter(scope, subject, m)).toList();
        writer.flush(); // the table then has every settle of this replica, for counters Redis lacks
        Map<Counter, Long> table = store.read(period, counters);
        String[] args = new String[2 + 2 * counters.size()];
        args[0] = keysExpireAt(period);
        args[1] = Integer.toString(counters.size());
        for (int i = 0; i < counters.size(); i++) {
            args[2 + 2 * i] = counters.get(i).field();
            args[3 + 2 * i] = Long.toString(table.get(counters.get(i)));
        }
        List<Long> previous;
        try {
            previous = redis.eval(RESET, new String[] {keys(period)[0]}, args);
        } catch (RuntimeException e) {
            metrics.failed(e);
            throw new StoreException("resetting quota counters in Redis", e);
        }
        Map<String, Long> audit = new LinkedHashMap<>();
        for (int i = 0; i < counters.size(); i++) {
            audit.put(counters.get(i).metric(), previous.get(i));
            writer.add(period, counters.get(i), -previous.get(i));
        }
        writer.flush();
        store.recordReset(scope, subject, period, reason, audit, nowMs);
        LOG.info("quota counters of " + scope + " " + subject + " reset for " + period + " (" + reason + "): " + audit);
    }

    @Override
    public YearMonth period() { return Periods.of(clock.millis()); }

    @Override
    public Instant periodEnd() { return Periods.end(period()); }

    /** Writes what is queued for the table now (tests, bench). */
    void flush() { writer.flush(); }

    /** Settles and releases waiting for Redis (tests). */
    int replayPending() { return replay.size(); }

    private void replayLoop() {
        // with a lease, four renewals per lease: one late or lost renewal does not let a live reservation lapse
        long everyMs = leaseMs > 0 ? Math.min(REPLAY_EVERY_MS, leaseMs / 4) : REPLAY_EVERY_MS;
        while (!closed) {
            try {
                Thread.sleep(everyMs);
            } catch (InterruptedException e) {
                break;
            }
            replayNow();
            renewLeases();
        }
    }

    /**
     * Pushes the expiry of this replica's open reservations one lease ahead, never past their TTL (a request that
     * runs longer than the TTL loses its hold as before). Redis down: nothing renewed; a reservation whose lease
     * lapses meanwhile is released by the next sweep, and its late settle still counts the usage ("live").
     */
    void renewLeases() {
        if (open.isEmpty()) return;
        long nowNanos = System.nanoTime();
        Map<YearMonth, List<String>> byPeriod = new java.util.HashMap<>();
        for (Reservation r : open.values()) {
            long leftMs = ttlMs - (nowNanos - r.admittedNanos) / 1_000_000;
            if (r.resolved.get() || leftMs <= 0) {
                open.remove(r.id); // resolved, or at its TTL: no more renewals
                continue;
            }
            List<String> args = byPeriod.computeIfAbsent(r.period, p -> new ArrayList<>());
            args.add(r.id);
            args.add(Long.toString(Math.min(leaseMs, leftMs)));
        }
        byPeriod.forEach((period, pairs) -> {
            String[] keys = keys(period);
            List<String> args = new ArrayList<>(1 + pairs.size());
            args.add(Integer.toString(pairs.size() / 2));
            args.addAll(pairs);
            try {
                redis.eval(RENEW, new String[] {keys[2], keys[3]}, args.toArray(String[]::new));
            } catch (RuntimeException e) {
                metrics.failed(e);
            }
        });
    }

    /** Sends the queued resolutions in order; stops at the first failure (Redis still down). */
    void replayNow() {
        Reservation r;
        while ((r = replay.peek()) != null) {
            if (!r.sendToRedis(true)) return;
            replay.poll();
        }
    }

    @Override
    public void close() {
        closed = true;
        replayer.interrupt();
        try {
            replayer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replayNow();
        writer.close();
        redis.close();
    }

    /** One admitted request's claims; resolves once (this object), idempotent in Redis (the script). */
    private final class Reservation implements QuotaReservation {
        final String id;
        final YearMonth period;
        final List<Claim> claims;
        final AtomicBoolean resolved = new AtomicBoolean();
        final long admittedNanos = System.nanoTime();
        /** What the settle recorded (null: a release); read by the replay. */
        volatile long[] actual;

        Reservation(String id, YearMonth period, List<Claim> claims) {
            this.id = id;
            this.period = period;
            this.claims = claims;
        }

        @Override
        public void settle(Map<Counter, Long> actualByCounter) {
            long[] amounts = Actuals.of(claims, actualByCounter);
            if (!resolved.compareAndSet(false, true)) return;
            open.remove(id);
            actual = amounts;
            metrics.settled();
            // Redis first, then the table: a counter seeded from the table after this increment
            // cannot already hold it twice. The table does not need Redis: the usage is never lost.
            boolean sent = sendToRedis(false);
            for (int i = 0; i < claims.size(); i++) writer.add(period, claims.get(i).counter(), amounts[i]);
            if (!sent) queueForReplay();
        }

        @Override
        public void release() {
            try {
                if (!resolved.compareAndSet(false, true)) return;
                open.remove(id);
                metrics.released();
                if (!sendToRedis(false)) queueForReplay();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot release quota reservation " + id, e);
            }
        }

        void queueForReplay() {
            if (!replay.offer(this)) {
                replayDropped.increment();
            }
        }

        /** Runs the resolve script; false when Redis could not be reached. Tells the listener the new values. */
        boolean sendToRedis(boolean replaying) {
            long[] amounts = actual;
            int n = amounts == null ? 0 : claims.size();
            String[] args = new String[5 + 2 * n];
            args[0] = id;
            args[1] = Long.toString(Math.min(ttlMs, DONE_TTL_MS));
            args[2] = keysExpireAt(period);
            args[3] = replaying ? "replay" : "live";
            args[4] = Integer.toString(n);
            for (int i = 0; i < n; i++) {
                args[5 + 2 * i] = claims.get(i).counter().field();
                args[6 + 2 * i] = Long.toString(amounts[i]);
            }
            List<Long> newUsed;
            try {
                newUsed = redis.eval(RESOLVE, keys(period), args);
                metrics.up();
            } catch (RedisCommandExecutionException e) {
                // Redis answered with an error: a bug, not an outage. Retrying would block the replay
                // queue behind it forever; the table has the usage, the hold expires by its TTL.
                LOG.log(Level.SEVERE, "quota resolve script failed for reservation " + id + "; dropped", e);
                return true;
            } catch (RuntimeException e) {
                metrics.failed(e);
                return false;
            }
            for (int i = 0; i < newUsed.size(); i++) { // empty when it was resolved before
                if (newUsed.get(i) >= 0) Actuals.tell(listener, claims.get(i), newUsed.get(i), period);
            }
            return true;
        }
    }
}
