package dev.tollgate.limits.quota;

import dev.tollgate.store.Database;
import dev.tollgate.store.Dialect;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counters in the store itself, for several replicas without Redis: every reserve is one
 * transaction that locks the claimed {@code quota_usage} rows ({@code SELECT ... FOR UPDATE} on
 * PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers), checks them, adds to
 * {@code held} and records the reservation in {@code quota_reservations}; a settle is one
 * transaction that deletes the reservation (whoever deletes it gives the hold back) and adds the
 * actual usage. Exact across replicas and restarts, at the cost of two durable commits per request
 * (docs/performance.md "Quotas and budgets"). Rows are always locked in field order, so two
 * transactions never deadlock.
 *
 * <p>Expiry uses the injected clock (replicas' clocks should agree to well under the TTL): a
 * throttled sweep, and one before any refusal. Store down: new admissions fail closed; a settle
 * that cannot commit is retried in the background (bounded queue, counted when full).
 */
final class DatabaseQuotas implements Quotas {
    private static final Logger LOG = Logger.getLogger(DatabaseQuotas.class.getName());
    private static final long SWEEP_EVERY_MS_MAX = 1_000;
    private static final int SWEEP_BATCH_MAX = 100;
    static final int RETRY_MAX = 100_000;
    private static final long RETRY_EVERY_MS = 500;
    /** The one order rows are locked in (the SQL sorts the same way: binary collation). */
    private static final Comparator<Counter> LOCK_ORDER =
            Comparator.comparing(Counter::scope).thenComparing(Counter::subject).thenComparing(Counter::metric);
    private static final Comparator<Claim> FIELD_ORDER = Comparator.comparing(Claim::counter, LOCK_ORDER);

    private final Database db;
    private final UsageStore store;
    private final QuotaMetrics metrics;
    private final Clock clock;
    private final UsageListener listener;
    private final long ttlMs;
    /** This replica's lease id, recorded on its reservations (null: TTL only). */
    private final String replica;
    private final long sweepEveryMs;
    private final String lockRows;
    private final AtomicLong nextSweepMs = new AtomicLong();
    private final ArrayBlockingQueue<Reservation> retry = new ArrayBlockingQueue<>(RETRY_MAX);
    private final io.micrometer.core.instrument.Counter retryDropped;
    private final Thread retrier;
    private volatile boolean closed;

    DatabaseQuotas(Database db, Clock clock, MeterRegistry registry, UsageListener listener, QuotaOptions options) {
        this.db = db;
        this.store = new UsageStore(db);
        this.metrics = new QuotaMetrics(registry, "database");
        this.clock = clock;
        this.listener = listener;
        this.ttlMs = options.reservationTtlMs();
        this.replica = options.leasedReplica();
        this.sweepEveryMs = Math.max(1, Math.min(ttlMs / 4, SWEEP_EVERY_MS_MAX));
        this.lockRows = db.dialect() == Dialect.POSTGRES ? " FOR UPDATE" : "";
        this.retryDropped = io.micrometer.core.instrument.Counter.builder("tollgate.quota.settle.dropped")
                .description("Settles that could not be written and did not fit the retry queue (an under-count)")
                .tag("store", "database").register(registry);
        this.retrier = Thread.ofPlatform().name("tollgate-quota-retry").daemon(true).start(this::retryLoop);
    }

    @Override
    public QuotaResult reserve(String reservationId, List<Claim> claims) {
        if (claims.isEmpty()) return NoReservation.ADMITTED;
        Actuals.distinct(claims);
        long nowMs = clock.millis();
        YearMonth period = Periods.of(nowMs);
        List<Claim> ordered = claims.stream().sorted(FIELD_ORDER).toList();
        QuotaResult result;
        try {
            if (nowMs >= nextSweepMs.get()) sweep(nowMs);
            result = tryReserve(reservationId, period, ordered, nowMs);
            if (result instanceof QuotaResult.Refused && sweep(nowMs) > 0) {
                result = tryReserve(reservationId, period, ordered, nowMs); // an expired hold was in the way
            }
        } catch (SQLException | RuntimeException e) {
            if (e instanceof IllegalStateException ise) throw ise;
            metrics.unavailable(e);
            return new QuotaResult.Unavailable("quota store unreachable");
        }
        if (result instanceof QuotaResult.Refused) {
            metrics.refused();
            return result;
        }
        metrics.admitted();
        return new QuotaResult.Admitted(new Reservation(reservationId, period, List.copyOf(claims)));
    }

    /** One transaction: the reservation row, the claimed rows locked in field order, the check, the holds. */
    private QuotaResult tryReserve(String id, YearMonth period, List<Claim> ordered, long nowMs) throws SQLException {
        String p = Periods.name(period);
        try (Connection c = db.connection()) {
            begin(c);
            try {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO quota_reservations (id, period, claims, expires_at, replica) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, id);
                    ps.setString(2, p);
                    ps.setString(3, encode(ordered));
                    ps.setLong(4, nowMs + ttlMs);
                    ps.setString(5, replica);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (isUniqueViolation(e)) throw new IllegalStateException("quota reservation " + id + " is already open", e);
                    throw e;
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO quota_usage "
                        + "(scope, subject, metric, period, used, held, updated_at) VALUES (?, ?, ?, ?, 0, 0, ?) "
                        + "ON CONFLICT (scope, subject, metric, period) DO NOTHING")) {
                    for (Claim claim : ordered) {
                        bind(ps, claim.counter(), p);
                        ps.setLong(5, nowMs);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                Map<String, long[]> rows = new java.util.HashMap<>(); // field -> {used, held}
                try (PreparedStatement ps = c.prepareStatement(lockAll(ordered.size()))) {
                    for (int i = 0; i < ordered.size(); i++) bindAt(ps, 1 + 4 * i, ordered.get(i).counter(), p);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.put(new Counter(rs.getString(1), rs.getString(2), rs.getString(3)).field(),
                                    new long[] {rs.getLong(4), rs.getLong(5)});
                        }
                    }
                }
                for (Claim claim : ordered) {
                    long[] row = rows.get(claim.counter().field());
                    if (!Actuals.fits(claim, row[0], row[1])) {
                        c.rollback();
                        return new QuotaResult.Refused(claim, row[0], row[1], Periods.end(period));
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE quota_usage SET held = held + ? "
                        + "WHERE scope = ? AND subject = ? AND metric = ? AND period = ?")) {
                    for (Claim claim : ordered) {
                        if (claim.amount() == 0) continue;
                        ps.setLong(1, claim.amount());
                        bindAt(ps, 2, claim.counter(), p);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
                return null;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * One read of every claimed row, locked (PostgreSQL) in field order: the same order in every
     * transaction, so two never wait on each other in a cycle.
     */
    private String lockAll(int n) {
        StringBuilder sql = new StringBuilder("SELECT scope, subject, metric, used, held FROM quota_usage WHERE ");
        for (int i = 0; i < n; i++) {
            if (i > 0) sql.append(" OR ");
            sql.append("(scope = ? AND subject = ? AND metric = ? AND period = ?)");
        }
        String binary = db.dialect() == Dialect.POSTGRES ? " COLLATE \"C\"" : "";
        return sql.append(" ORDER BY scope").append(binary).append(", subject").append(binary).append(", metric")
                .append(binary).append(lockRows).toString();
    }

    /**
     * Releases expired reservations (up to a batch) in one transaction; the number released. Expired: past their TTL,
     * or made by a replica whose lease has lapsed (a replica not in {@code replicas} yet is not lapsed).
     */
    private int sweep(long nowMs) throws SQLException {
        nextSweepMs.set(nowMs + sweepEveryMs);
        try (Connection c = db.connection()) {
            begin(c);
            try {
                Map<String, Map<Counter, Long>> release = new TreeMap<>(); // period -> counter -> amount, in lock order
                int released = 0;
                List<String[]> expired = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, period, claims FROM quota_reservations "
                        + "WHERE expires_at <= ? OR replica IN (SELECT id FROM replicas WHERE expires_at <= ?) "
                        + "ORDER BY expires_at LIMIT " + SWEEP_BATCH_MAX)) {
                    ps.setLong(1, nowMs);
                    ps.setLong(2, nowMs);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) expired.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                    }
                }
                try (PreparedStatement del = c.prepareStatement("DELETE FROM quota_reservations WHERE id = ?")) {
                    for (String[] row : expired) {
                        del.setString(1, row[0]);
                        if (del.executeUpdate() == 0) continue; // settled meanwhile: its settle gave the hold back
                        released++;
                        for (String line : row[2].split("\n")) {
                            int space = line.indexOf(' ');
                            release.computeIfAbsent(row[1], k -> new TreeMap<>(LOCK_ORDER))
                                    .merge(Counter.ofField(line.substring(space + 1)), Long.parseLong(line.substring(0, space)), Long::sum);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE quota_usage SET held = held - ? "
                        + "WHERE scope = ? AND subject = ? AND metric = ? AND period = ?")) {
                    for (Map.Entry<String, Map<Counter, Long>> period : release.entrySet()) {
                        for (Map.Entry<Counter, Long> e : period.getValue().entrySet()) {
                            ps.setLong(1, e.getValue());
                            bindAt(ps, 2, e.getKey(), period.getKey());
                            ps.addBatch();
                        }
                    }
                    if (!release.isEmpty()) ps.executeBatch();
                }
                c.commit();
                if (released > 0) metrics.expired(released);
                return released;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    @Override
    public Map<Counter, Long> used(List<Counter> counters) {
        return store.read(period(), counters);
    }

    @Override
    public void reset(String scope, String subject, String reason) {
        long nowMs = clock.millis();
        YearMonth period = Periods.of(nowMs);
        Map<String, Long> previous = new LinkedHashMap<>();
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement read = c.prepareStatement("SELECT used FROM quota_usage "
                        + "WHERE scope = ? AND subject = ? AND metric = ? AND period = ?" + lockRows);
                     PreparedStatement zero = c.prepareStatement("UPDATE quota_usage SET used = 0, updated_at = ? "
                             + "WHERE scope = ? AND subject = ? AND metric = ? AND period = ?")) {
                    for (String metric : Counter.METRICS.stream().sorted().toList()) {
                        Counter counter = new Counter(scope, subject, metric);
                        bind(read, counter, Periods.name(period));
                        try (ResultSet rs = read.executeQuery()) {
                            previous.put(metric, rs.next() ? rs.getLong(1) : 0L);
                        }
                        zero.setLong(1, nowMs);
                        bindAt(zero, 2, counter, Periods.name(period));
                        zero.executeUpdate();
                    }
                }
                store.recordReset(c, scope, subject, period, reason, previous, nowMs);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new dev.tollgate.store.StoreException("resetting quota counters", e);
        }
        LOG.info("quota counters of " + scope + " " + subject + " reset for " + period + " (" + reason + "): " + previous);
    }

    @Override
    public YearMonth period() { return Periods.of(clock.millis()); }

    @Override
    public Instant periodEnd() { return Periods.end(period()); }

    /** Settles waiting for the store (tests). */
    int retryPending() { return retry.size(); }

    private void retryLoop() {
        while (!closed) {
            try {
                Thread.sleep(RETRY_EVERY_MS);
            } catch (InterruptedException e) {
                break;
            }
            retryNow();
        }
    }

    /** Writes the queued settles in order; stops at the first failure (the store still down). */
    void retryNow() {
        Reservation r;
        while ((r = retry.peek()) != null) {
            if (!r.write()) return;
            retry.poll();
        }
    }

    @Override
    public void close() {
        closed = true;
        retrier.interrupt();
        try {
            retrier.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retryNow();
    }

    /**
     * Starts a counter transaction. On PostgreSQL its commit does not wait for the WAL flush
     * ({@code synchronous_commit off}, this transaction only): the row locks are then held for
     * microseconds instead of an fsync, which is what caps a busy account's rate. What a PostgreSQL
     * crash can lose is the last ~0.6 s of reserves and settles (never a half of one): lost settles
     * are an under-count and lost reservations take their holds with them, the same bound as the
     * other stores' batch writer. Resets stay durable.
     */
    private void begin(Connection c) throws SQLException {
        c.setAutoCommit(false);
        if (db.dialect() == Dialect.POSTGRES) {
            try (var st = c.createStatement()) {
                st.execute("SET LOCAL synchronous_commit TO OFF");
            }
        }
    }

    private static String encode(List<Claim> ordered) {
        StringBuilder sb = new StringBuilder();
        for (Claim claim : ordered) {
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(claim.amount()).append(' ').append(claim.counter().field());
        }
        return sb.toString();
    }

    private static void bind(PreparedStatement ps, Counter counter, String period) throws SQLException {
        bindAt(ps, 1, counter, period);
    }

    private static void bindAt(PreparedStatement ps, int at, Counter counter, String period) throws SQLException {
        ps.setString(at, counter.scope());
        ps.setString(at + 1, counter.subject());
        ps.setString(at + 2, counter.metric());
        ps.setString(at + 3, period);
    }

    /** PostgreSQL 23505; SQLite SQLITE_CONSTRAINT_PRIMARYKEY / UNIQUE (extended codes 1555, 2067). */
    private static boolean isUniqueViolation(SQLException e) {
        if ("23505".equals(e.getSQLState())) return true;
        String m = e.getMessage();
        return m != null && (m.contains("SQLITE_CONSTRAINT_PRIMARYKEY") || m.contains("SQLITE_CONSTRAINT_UNIQUE"));
    }

    /** One admitted request's claims; resolves once (this object), the row delete decides who frees the hold. */
    private final class Reservation implements QuotaReservation {
        final String id;
        final YearMonth period;
        final List<Claim> claims;
        final AtomicBoolean resolved = new AtomicBoolean();
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
            actual = amounts;
            metrics.settled();
            if (!write() && !retry.offer(this)) retryDropped.increment();
        }

        @Override
        public void release() {
            try {
                if (!resolved.compareAndSet(false, true)) return;
                metrics.released();
                write(); // when it fails the row stays and the hold expires by its TTL
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot release quota reservation " + id, e);
            }
        }

        /** The settle (or release) transaction; false when the store failed (nothing was committed). */
        boolean write() {
            long[] amounts = actual;
            long[] newUsed = new long[claims.size()];
            String p = Periods.name(period);
            try (Connection c = db.connection()) {
                begin(c);
                try {
                    boolean holding;
                    try (PreparedStatement del = c.prepareStatement("DELETE FROM quota_reservations WHERE id = ?")) {
                        del.setString(1, id);
                        holding = del.executeUpdate() == 1; // 0: expired meanwhile, its hold is back already
                    }
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < claims.size(); i++) order.add(i);
                    order.sort(Comparator.comparing(i -> claims.get(i).counter(), LOCK_ORDER));
                    try (PreparedStatement ps = c.prepareStatement("UPDATE quota_usage SET used = used + ?, "
                            + "held = held - ?, updated_at = ? WHERE scope = ? AND subject = ? AND metric = ? AND period = ? "
                            + "RETURNING used")) {
                        for (int i : order) {
                            long used = amounts == null ? 0 : amounts[i];
                            long held = holding ? claims.get(i).amount() : 0;
                            if (used == 0 && held == 0) {
                                newUsed[i] = -1;
                                continue;
                            }
                            ps.setLong(1, used);
                            ps.setLong(2, held);
                            ps.setLong(3, clock.millis());
                            bindAt(ps, 4, claims.get(i).counter(), p);
                            try (ResultSet rs = ps.executeQuery()) {
                                newUsed[i] = rs.next() ? rs.getLong(1) : -1;
                            }
                        }
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
                metrics.up();
            } catch (SQLException | RuntimeException e) {
                metrics.failed(e);
                return false;
            }
            if (amounts != null) {
                for (int i = 0; i < claims.size(); i++) {
                    if (newUsed[i] >= 0) Actuals.tell(listener, claims.get(i), newUsed[i], period);
                }
            }
            return true;
        }
    }
}
