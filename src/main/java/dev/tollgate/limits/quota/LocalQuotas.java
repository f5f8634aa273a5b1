package dev.tollgate.limits.quota;

import dev.tollgate.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counters in this process: exact under any concurrency within it (one lock around each
 * all-or-nothing check-and-reserve; the critical section is a few map lookups). Seeded lazily from
 * {@code quota_usage}: the first touch of a counter in a month reads its row once.
 *
 * <p>Per process only: two replicas without Redis each admit up to the limit. Several replicas
 * need {@code redis:} ({@link RedisQuotas}).
 *
 * <p>Expiry: an open reservation past its TTL (by the injected clock) is released by the sweep,
 * which runs inside {@link #reserve} once per {@code min(ttl / 4, 1 s)} and before any refusal
 * (at most once per clock millisecond): only admissions need the space back, so no thread is needed,
 * and an expired hold never causes a refusal.
 */
final class LocalQuotas implements Quotas {
    private static final Logger LOG = Logger.getLogger(LocalQuotas.class.getName());
    private static final long SWEEP_EVERY_MS_MAX = 1_000;

    /** Settled and reserved amounts of one counter in one month; guarded by {@link #lock}. */
    private static final class Cell {
        long used;
        long held;

        Cell(long used) {
            this.used = used;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Only seeded cells are here: a cell exists once its row has been read. */
    private final Map<UsageWriter.Entry, Cell> cells = new HashMap<>();
    private final Map<String, Reservation> open = new HashMap<>();
    private final UsageStore store;
    private final UsageWriter writer;
    private final QuotaMetrics metrics;
    private final Clock clock;
    private final UsageListener listener;
    private final long ttlMs;
    private final long sweepEveryMs;
    private long nextSweepMs;
    private long lastSweepMs = Long.MIN_VALUE;
    private YearMonth newestPeriod;

    LocalQuotas(Database db, Clock clock, MeterRegistry registry, UsageListener listener, QuotaOptions options) {
        this.store = new UsageStore(db);
        this.writer = new UsageWriter(store, clock, options.flushIntervalMs(), options.pendingCountersMax(), registry);
        this.metrics = new QuotaMetrics(registry, "local");
        this.clock = clock;
        this.listener = listener;
        this.ttlMs = options.reservationTtlMs();
        this.sweepEveryMs = Math.max(1, Math.min(ttlMs / 4, SWEEP_EVERY_MS_MAX));
    }

    @Override
    public QuotaResult reserve(String reservationId, List<Claim> claims) {
        if (claims.isEmpty()) return NoReservation.ADMITTED;
        Actuals.distinct(claims);
        long nowMs = clock.millis();
        YearMonth period = Periods.of(nowMs);
        try {
            seed(period, claims.stream().map(Claim::counter).toList());
        } catch (RuntimeException e) {
            metrics.unavailable(e);
            return new QuotaResult.Unavailable("quota store unreachable");
        }
        Reservation r = new Reservation(reservationId, period, List.copyOf(claims), nowMs + ttlMs);
        lock.lock();
        try {
            if (nowMs >= nextSweepMs) sweep(nowMs);
            if (open.containsKey(reservationId)) {
                throw new IllegalStateException("quota reservation " + reservationId + " is already open");
            }
            QuotaResult.Refused refused = check(period, claims);
            if (refused != null && lastSweepMs < nowMs) {
                sweep(nowMs); // an expired hold may be what is in the way
                refused = check(period, claims);
            }
            if (refused != null) {
                metrics.refused();
                return refused;
            }
            for (Claim claim : claims) cells.get(new UsageWriter.Entry(period, claim.counter())).held += claim.amount();
            open.put(reservationId, r);
        } finally {
            lock.unlock();
        }
        metrics.admitted();
        return new QuotaResult.Admitted(r);
    }

    /** The first claim that does not fit, or null. Caller holds the lock. */
    private QuotaResult.Refused check(YearMonth period, List<Claim> claims) {
        for (Claim claim : claims) {
            Cell cell = cells.get(new UsageWriter.Entry(period, claim.counter()));
            if (!Actuals.fits(claim, cell.used, cell.held)) {
                return new QuotaResult.Refused(claim, cell.used, cell.held, Periods.end(period));
            }
        }
        return null;
    }

    /** Loads this month's row of every counter not yet in memory (the read is outside the lock). */
    private void seed(YearMonth period, List<Counter> counters) {
        List<Counter> missing = null;
        lock.lock();
        try {
            if (!period.equals(newestPeriod)) roll(period);
            for (Counter c : counters) {
                if (!cells.containsKey(new UsageWriter.Entry(period, c))) {
                    if (missing == null) missing = new ArrayList<>();
                    missing.add(c);
                }
            }
        } finally {
            lock.unlock();
        }
        if (missing == null) return;
        Map<Counter, Long> read = store.read(period, missing);
        lock.lock();
        try {
            // Another thread may have seeded it meanwhile: its cell (maybe with settles since) wins.
            read.forEach((c, used) -> cells.putIfAbsent(new UsageWriter.Entry(period, c), new Cell(used)));
        } finally {
            lock.unlock();
        }
    }

    /** A new month: forget cells older than last month (last month's stay for reservations settling late). */
    private void roll(YearMonth period) {
        if (newestPeriod != null && period.isBefore(newestPeriod)) return; // the clock went back: keep everything
        newestPeriod = period;
        YearMonth keepFrom = period.minusMonths(1);
        cells.keySet().removeIf(e -> e.period().isBefore(keepFrom));
    }

    /** Releases every reservation past its expiry. Caller holds the lock. */
    private void sweep(long nowMs) {
        nextSweepMs = nowMs + sweepEveryMs;
        lastSweepMs = nowMs;
        int expired = 0;
        for (Iterator<Reservation> it = open.values().iterator(); it.hasNext(); ) {
            Reservation r = it.next();
            if (r.expiresAtMs > nowMs) continue;
            it.remove();
            releaseHeld(r);
            expired++;
        }
        if (expired > 0) {
            metrics.expired(expired);
            LOG.fine(() -> "released expired quota reservations");
        }
    }

    /** Caller holds the lock. */
    private void releaseHeld(Reservation r) {
        for (Claim claim : r.claims) {
            Cell cell = cells.get(new UsageWriter.Entry(r.period, claim.counter()));
            if (cell != null) cell.held -= claim.amount();
        }
    }

    @Override
    public Map<Counter, Long> used(List<Counter> counters) {
        YearMonth period = period();
        seed(period, counters);
        Map<Counter, Long> out = new LinkedHashMap<>();
        lock.lock();
        try {
            for (Counter c : counters) out.put(c, cells.get(new UsageWriter.Entry(period, c)).used);
        } finally {
            lock.unlock();
        }
        return out;
    }

    @Override
    public void reset(String scope, String subject, String reason) {
        long nowMs = clock.millis();
        YearMonth period = Periods.of(nowMs);
        List<Counter> counters = Counter.METRICS.stream().map(m -> new Counter(scope, subject, m)).toList();
        seed(period, counters);
        Map<String, Long> previous = new LinkedHashMap<>();
        lock.lock();
        try {
            for (Counter c : counters) {
                Cell cell = cells.get(new UsageWriter.Entry(period, c));
                previous.put(c.metric(), cell.used);
                // Through the same ordered queue as the settles: the table ends at zero whatever was pending.
                writer.add(period, c, -cell.used);
                cell.used = 0;
            }
        } finally {
            lock.unlock();
        }
        writer.flush();
        store.recordReset(scope, subject, period, reason, previous, nowMs);
        LOG.info("quota counters of " + scope + " " + subject + " reset for " + period + " (" + reason + "): " + previous);
    }

    @Override
    public YearMonth period() { return Periods.of(clock.millis()); }

    @Override
    public Instant periodEnd() { return Periods.end(period()); }

    /** Writes what is queued for the table now (tests, bench; the writer does it every flush interval). */
    void flush() { writer.flush(); }

    @Override
    public void close() { writer.close(); }

    /** One admitted request's claims. Resolves once; {@code resolved} is guarded by the lock. */
    private final class Reservation implements QuotaReservation {
        final String id;
        final YearMonth period;
        final List<Claim> claims;
        final long expiresAtMs;
        boolean resolved;

        Reservation(String id, YearMonth period, List<Claim> claims, long expiresAtMs) {
            this.id = id;
            this.period = period;
            this.claims = claims;
            this.expiresAtMs = expiresAtMs;
        }

        @Override
        public void settle(Map<Counter, Long> actual) {
            long[] amounts = Actuals.of(claims, actual);
            long[] newUsed = new long[claims.size()];
            lock.lock();
            try {
                if (resolved) return;
                resolved = true;
                // Expired meanwhile: its hold is already back; the usage still happened and counts.
                if (open.remove(id, this)) releaseHeld(this);
                for (int i = 0; i < claims.size(); i++) {
                    Cell cell = cells.get(new UsageWriter.Entry(period, claims.get(i).counter()));
                    newUsed[i] = cell == null ? -1 : (cell.used += amounts[i]);
                    writer.add(period, claims.get(i).counter(), amounts[i]);
                }
            } finally {
                lock.unlock();
            }
            metrics.settled();
            for (int i = 0; i < claims.size(); i++) {
                Claim claim = claims.get(i);
                if (newUsed[i] >= 0) Actuals.tell(listener, claim, newUsed[i], period);
            }
        }

        @Override
        public void release() {
            try {
                lock.lock();
                try {
                    if (resolved) return;
                    resolved = true;
                    if (open.remove(id, this)) releaseHeld(this);
                } finally {
                    lock.unlock();
                }
                metrics.released();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot release quota reservation " + id, e);
            }
        }
    }
}
