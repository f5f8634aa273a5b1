package dev.tollgate.limits.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.store.Database;
import dev.tollgate.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules every {@link Quotas} store keeps, run against each store on SQLite and PostgreSQL by
 * the subclasses (one body, several real stores).
 */
abstract class QuotasContract {
    static final Instant NOV_15 = Instant.parse("2026-11-15T12:00:00Z");
    final Counter messages = new Counter("account", "acct_" + UUID.randomUUID(), "messages");
    final Counter tokens = new Counter("account", messages.subject(), "tokens");
    final Counter keySpend = new Counter("key", "key_" + UUID.randomUUID(), "spend_micros");
    final TestClock clock = new TestClock(NOV_15);
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final List<String> observed = new CopyOnWriteArrayList<>();
    final UsageListener listener = (c, used, limit, period) -> observed.add(c.metric() + "=" + used + "/" + limit + "@" + period);
    Database db;
    final List<Quotas> opened = new ArrayList<>();

    /** A fresh store of the kind under test, on a new empty schema or file. */
    abstract Database database();

    /** The store under test over {@code db}; several calls make several "replicas". */
    abstract Quotas open(Database db, long ttlMs);

    /** Writes pending settled usage to the table (the writer does it on its own every 100 ms). */
    abstract void flush(Quotas q);

    /** Lets the store see expiry after {@code ttlMs} has passed (local: move the clock; Redis: wait). */
    abstract void passTtl(long ttlMs) throws InterruptedException;

    long ttlMs() { return 60_000; }

    /** The TTL of the expiry test (Redis expires by its own clock, so there it is real time). */
    long shortTtlMs() { return 1_000; }

    @BeforeEach
    void openStore() {
        db = database();
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Quotas::close);
        if (db != null) db.close();
    }

    Quotas quotas() {
        return track(open(db, ttlMs()));
    }

    Quotas track(Quotas q) {
        opened.add(q);
        return q;
    }

    static String id() {
        return "req_" + UUID.randomUUID();
    }

    static QuotaReservation admitted(QuotaResult r) {
        assertThat(r).isInstanceOf(QuotaResult.Admitted.class);
        return ((QuotaResult.Admitted) r).reservation();
    }

    @Test
    void exactlyTheLimitIsAdmittedUnderConcurrencyAndTheNumbersAddUp() throws Exception {
        Quotas q = quotas();
        List<QuotaReservation> won = race(List.of(q), 30, List.of(new Claim(messages, 7, 1)));
        assertThat(won).hasSize(7);
        for (int i = 0; i < 4; i++) won.get(i).settle(Map.of(messages, 1L));
        for (int i = 4; i < 7; i++) won.get(i).release();
        assertThat(q.used(List.of(messages))).containsEntry(messages, 4L);
        List<QuotaReservation> more = race(List.of(q), 10, List.of(new Claim(messages, 7, 1)));
        assertThat(more).hasSize(3);
        QuotaResult refused = q.reserve(id(), List.of(new Claim(messages, 7, 1)));
        assertThat(refused).isEqualTo(new QuotaResult.Refused(new Claim(messages, 7, 1), 4, 3, Instant.parse("2026-12-01T00:00:00Z")));
    }

    /** {@code n} concurrent reserves spread over {@code replicas}; returns the admitted ones. */
    List<QuotaReservation> race(List<Quotas> replicas, int n, List<Claim> claims) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<QuotaResult>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                Quotas q = replicas.get(i % replicas.size());
                results.add(pool.submit(() -> {
                    start.await();
                    return q.reserve(id(), claims);
                }));
            }
            start.countDown();
        }
        List<QuotaReservation> won = new ArrayList<>();
        for (Future<QuotaResult> f : results) {
            QuotaResult r = f.get();
            if (r instanceof QuotaResult.Admitted a) won.add(a.reservation());
            else assertThat(r).isInstanceOf(QuotaResult.Refused.class);
        }
        return won;
    }

    @Test
    void oneRefusedClaimReservesNone() {
        Quotas q = quotas();
        QuotaResult r = q.reserve(id(), List.of(new Claim(messages, 10, 1), new Claim(tokens, 100, 200), new Claim(keySpend, 50, 5)));
        assertThat(r).isInstanceOf(QuotaResult.Refused.class);
        assertThat(((QuotaResult.Refused) r).claim()).isEqualTo(new Claim(tokens, 100, 200));
        // nothing was held: the whole of each other limit is still there
        admitted(q.reserve(id(), List.of(new Claim(messages, 10, 10), new Claim(keySpend, 50, 50))));
    }

    @Test
    void aCounterClaimedTwiceIsAProgrammerError() {
        Quotas q = quotas();
        assertThatThrownBy(() -> q.reserve(id(), List.of(new Claim(messages, 10, 6), new Claim(tokens, 10, 1), new Claim(messages, 10, 6))))
                .isInstanceOf(IllegalArgumentException.class);
        admitted(q.reserve(id(), List.of(new Claim(messages, 10, 10)))); // nothing was held
    }

    @Test
    void settleRecordsTheActualSmallerOrLargerThanReserved() {
        Quotas q = quotas();
        admitted(q.reserve(id(), List.of(new Claim(tokens, 1000, 500)))).settle(Map.of(tokens, 200L));
        assertThat(q.used(List.of(tokens))).containsEntry(tokens, 200L);
        // 800 fit exactly now that the 500 hold became 200
        QuotaReservation big = admitted(q.reserve(id(), List.of(new Claim(tokens, 1000, 800))));
        big.settle(Map.of(tokens, 900L)); // usage above the hold is recorded as is
        assertThat(q.used(List.of(tokens))).containsEntry(tokens, 1100L);
        QuotaResult refused = q.reserve(id(), List.of(new Claim(tokens, 1000, 1)));
        assertThat(((QuotaResult.Refused) refused).used()).isEqualTo(1100);
        // a zero claim is never refused (it only tracks), and resolves like any other
        admitted(q.reserve(id(), List.of(new Claim(tokens, 1000, 0), new Claim(messages, 10, 1)))).settle(Map.of(messages, 1L));
        admitted(q.reserve(id(), List.of(new Claim(tokens, 1000, 0), new Claim(messages, 10, 1)))).release();
        assertThat(q.used(List.of(tokens, messages))).containsEntry(tokens, 1100L).containsEntry(messages, 1L);
        admitted(q.reserve(id(), List.of(new Claim(messages, 10, 9)))); // the released 1 is back
    }

    @Test
    void aReservationResolvesExactlyOnce() {
        Quotas q = quotas();
        QuotaReservation r = admitted(q.reserve(id(), List.of(new Claim(messages, 2, 1))));
        assertThatThrownBy(() -> r.settle(Map.of(tokens, 1L))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.settle(Map.of(messages, -1L))).isInstanceOf(IllegalArgumentException.class);
        r.settle(Map.of(messages, 1L));
        r.settle(Map.of(messages, 1L));
        r.release();
        assertThat(q.used(List.of(messages))).containsEntry(messages, 1L);
        QuotaReservation other = admitted(q.reserve(id(), List.of(new Claim(messages, 2, 1))));
        other.release();
        other.release();
        other.settle(Map.of(messages, 1L)); // after a release: no-op
        assertThat(q.used(List.of(messages))).containsEntry(messages, 1L);
        admitted(q.reserve(id(), List.of(new Claim(messages, 2, 1))));
    }

    @Test
    void anAbandonedReservationExpires() throws Exception {
        Quotas q = track(open(db, shortTtlMs()));
        admitted(q.reserve(id(), List.of(new Claim(messages, 1, 1)))); // never resolved: its process "died"
        assertThat(q.reserve(id(), List.of(new Claim(messages, 1, 1)))).isInstanceOf(QuotaResult.Refused.class);
        passTtl(shortTtlMs());
        QuotaReservation again = admitted(q.reserve(id(), List.of(new Claim(messages, 1, 1))));
        again.settle(Map.of(messages, 1L));
        assertThat(q.used(List.of(messages))).containsEntry(messages, 1L);
    }

    @Test
    void aNewInstanceContinuesTheMonthFromTheTable() {
        Quotas first = open(db, ttlMs());
        admitted(first.reserve(id(), List.of(new Claim(messages, 5, 3)))).settle(Map.of(messages, 3L));
        first.close(); // flushes
        Quotas second = quotas();
        assertThat(second.used(List.of(messages))).containsEntry(messages, 3L);
        admitted(second.reserve(id(), List.of(new Claim(messages, 5, 2))));
        assertThat(second.reserve(id(), List.of(new Claim(messages, 5, 1)))).isInstanceOf(QuotaResult.Refused.class);
    }

    @Test
    void countersStartAgainAtMidnightUtcOnTheFirstAndNotBefore() {
        clock.set(Instant.parse("2026-11-30T23:59:58Z"));
        Quotas q = quotas();
        assertThat(q.period()).isEqualTo(YearMonth.of(2026, 11));
        assertThat(q.periodEnd()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        admitted(q.reserve(id(), List.of(new Claim(messages, 2, 2)))).settle(Map.of(messages, 2L));
        clock.set(Instant.parse("2026-11-30T23:59:59.999Z"));
        QuotaResult refused = q.reserve(id(), List.of(new Claim(messages, 2, 1)));
        assertThat(((QuotaResult.Refused) refused).resetAt()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(q.period()).isEqualTo(YearMonth.of(2026, 12));
        assertThat(q.periodEnd()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(q.used(List.of(messages))).containsEntry(messages, 0L);
        admitted(q.reserve(id(), List.of(new Claim(messages, 2, 2)))).settle(Map.of(messages, 2L));
        flush(q);
        assertThat(tableUsed(messages, "2026-11")).isEqualTo(2);
        assertThat(tableUsed(messages, "2026-12")).isEqualTo(2);
    }

    @Test
    void aRequestAdmittedInNovemberIsCountedInNovemberEvenIfItEndsInDecember() {
        clock.set(Instant.parse("2026-11-30T23:59:59Z"));
        Quotas q = quotas();
        QuotaReservation straddling = admitted(q.reserve(id(), List.of(new Claim(messages, 1, 1))));
        clock.set(Instant.parse("2026-12-01T00:00:01Z"));
        admitted(q.reserve(id(), List.of(new Claim(messages, 1, 1)))).settle(Map.of(messages, 1L)); // December's own
        straddling.settle(Map.of(messages, 1L));
        assertThat(q.used(List.of(messages))).containsEntry(messages, 1L);
        flush(q);
        assertThat(tableUsed(messages, "2026-11")).isEqualTo(1);
        assertThat(tableUsed(messages, "2026-12")).isEqualTo(1);
    }

    @Test
    void resetZeroesTheSubjectAndIsAudited() throws Exception {
        Quotas q = quotas();
        admitted(q.reserve(id(), List.of(new Claim(messages, 3, 3), new Claim(tokens, 100, 50))))
                .settle(Map.of(messages, 3L, tokens, 40L));
        admitted(q.reserve(id(), List.of(new Claim(keySpend, 10, 4)))).settle(Map.of(keySpend, 4L));
        q.reset("account", messages.subject(), "support ticket 42");
        assertThat(q.used(List.of(messages, tokens, keySpend))).containsEntry(messages, 0L).containsEntry(tokens, 0L)
                .containsEntry(keySpend, 4L); // another subject is untouched
        admitted(q.reserve(id(), List.of(new Claim(messages, 3, 3))));
        flush(q);
        assertThat(tableUsed(messages, "2026-11")).isZero();
        assertThat(tableUsed(keySpend, "2026-11")).isEqualTo(4);
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT scope, subject, period, reason, previous, created_at FROM quota_resets "
                     + "WHERE subject IN ('" + messages.subject() + "', '" + keySpend.subject() + "')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("account");
            assertThat(rs.getString(2)).isEqualTo(messages.subject());
            assertThat(rs.getString(3)).isEqualTo("2026-11");
            assertThat(rs.getString(4)).isEqualTo("support ticket 42");
            assertThat(rs.getString(5)).contains("\"messages\":3", "\"tokens\":40");
            assertThat(rs.getLong(6)).isEqualTo(NOV_15.toEpochMilli());
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void theListenerHearsTheNewUsedValues() {
        Quotas q = track(open(db, ttlMs()));
        admitted(q.reserve(id(), List.of(new Claim(messages, 10, 1), new Claim(tokens, 1000, 300))))
                .settle(Map.of(messages, 1L, tokens, 120L));
        admitted(q.reserve(id(), List.of(new Claim(messages, 10, 1)))).settle(Map.of(messages, 1L));
        admitted(q.reserve(id(), List.of(new Claim(messages, 10, 1)))).release();
        assertThat(observed).containsExactly("messages=1/10@2026-11", "tokens=120/1000@2026-11", "messages=2/10@2026-11");
    }

    @Test
    void noClaimsCostNothing() {
        Quotas q = quotas();
        q.reserve(id(), List.of(new Claim(messages, 1, 1))); // connected and warm
        db.close(); // any I/O from here on fails
        QuotaResult r = q.reserve(id(), List.of());
        admitted(r).settle(Map.of());
        admitted(r).release();
        db = null;
    }

    @Test
    void settledUsageReachesTheTable() {
        Quotas q = quotas();
        admitted(q.reserve(id(), List.of(new Claim(keySpend, 1_000_000, 250_000)))).settle(Map.of(keySpend, 123_456L));
        flush(q);
        assertThat(tableUsed(keySpend, "2026-11")).isEqualTo(123_456);
    }

    long tableUsed(Counter c, String period) {
        try (Connection conn = db.connection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT used FROM quota_usage WHERE scope = '" + c.scope() + "' AND subject = '"
                     + c.subject() + "' AND metric = '" + c.metric() + "' AND period = '" + period + "'")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
