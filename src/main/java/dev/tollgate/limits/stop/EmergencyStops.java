package dev.tollgate.limits.stop;

import dev.tollgate.account.ApiKeys;
import dev.tollgate.account.Principal;
import dev.tollgate.http.ApiException;
import dev.tollgate.routing.budget.ProviderBudgets;
import dev.tollgate.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Emergency stops of one process (docs/operations.md "Emergency stop"). The store is the truth; this
 * keeps an immutable {@link StopSnapshot} that the request path reads without I/O. A background thread
 * polls one cheap aggregate every {@code pollIntervalMs} and reloads the active stops when it moved,
 * so a stop made on any replica (or by the CLI) applies everywhere within about that interval; a stop
 * made through this process applies here at once. Each new snapshot ends the in-flight streams it covers.
 */
public final class EmergencyStops implements AutoCloseable {
    /** How often the store is polled: stops apply on other replicas within about this. */
    public static final long POLL_INTERVAL_MS = 250;
    /** The most stops {@code GET /admin/emergency-stop?all=true} lists. */
    public static final int LIST_MAX = 1000;

    private static final Logger LOG = Logger.getLogger(EmergencyStops.class.getName());

    /** A stream in flight: {@link #stopped()} turns non-null when a stop covers it; close it when the stream is over. */
    public interface Stream extends AutoCloseable {
        Stop stopped();

        @Override
        void close();
    }

    /** Why a requested stop cannot be made: a 400 ({@code notFound} false) or 404, naming the field. */
    public record Problem(boolean notFound, String param, String message) {}

    private final StopStore store;
    private final Set<String> providers;
    private final Clock clock;
    private final long pollIntervalMs;
    private final InFlightStreams streams = new InFlightStreams();
    private final Object refreshLock = new Object();
    private final Counter streamsEnded;
    private final Counter pollFailures;
    private final MeterRegistry metrics;
    private volatile StopSnapshot snapshot = StopSnapshot.EMPTY;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Thread poller;
    private volatile boolean pollFailing;
    private volatile ProviderAutoStop autoStop;

    /** @param providers the configured provider names (a provider stop must name one) */
    public EmergencyStops(Database db, Set<String> providers, Clock clock, MeterRegistry metrics, long pollIntervalMs) {
        this.store = new StopStore(db);
        this.providers = Set.copyOf(providers);
        this.clock = clock;
        this.pollIntervalMs = pollIntervalMs;
        this.metrics = metrics;
        Gauge.builder("tollgate.emergency_stop.active", this, s -> s.snapshot.active().size())
                .description("Emergency stops in force").register(metrics);
        this.streamsEnded = Counter.builder("tollgate.emergency_stop.streams_ended")
                .description("In-flight streams ended by an emergency stop").register(metrics);
        this.pollFailures = Counter.builder("tollgate.emergency_stop.poll_failures")
                .description("Polls of the store for emergency stops that failed (the last snapshot stays in force)")
                .register(metrics);
    }

    /** Loads the stops in force (so a restarted process enforces them from its first request) and starts polling. */
    public EmergencyStops start() {
        refresh();
        poller = Thread.ofVirtual().name("tollgate-stop-poller").start(this::poll);
        return this;
    }

    /**
     * Makes a provider stop when a provider reaches {@code stopAt} of its monthly budget, checked on
     * every poll (once per provider and month); {@code stopAt} null turns it off.
     */
    public EmergencyStops autoStopProviders(ProviderBudgets budgets, Double stopAt) {
        this.autoStop = stopAt == null ? null : new ProviderAutoStop(budgets, stopAt);
        return this;
    }

    /** Runs the automatic stop check now (the poller runs it every poll); returns the stops made. */
    public int checkAutomaticStops() {
        ProviderAutoStop a = autoStop;
        return a == null ? 0 : a.check(this);
    }

    /** The stop that halts every call of this caller, or null. Memory only. */
    public Stop forCaller(Principal p) {
        return snapshot.forCaller(p.accountId(), p.keyId());
    }

    /** The stop that takes this provider out of routing, or null. Memory only. */
    public Stop forProvider(String provider) {
        return snapshot.forProvider(provider);
    }

    /** The 503 for a request halted by {@code stop}, counted in {@code tollgate_emergency_stop_refused_total}. */
    public ApiException refused(Stop stop) {
        Counter.builder("tollgate.emergency_stop.refused").description("Requests refused by an emergency stop")
                .tag("scope", stop.scope().wire()).register(metrics).increment();
        return StopErrors.refused(stop);
    }

    /** Registers the calling thread's stream from {@code p} served by {@code provider}; already stopped if a stop covers it. */
    public Stream track(Principal p, String provider) {
        return streams.track(p.accountId(), p.keyId(), provider, snapshot);
    }

    /** Counts a stream that a stop ended (the pipeline calls this once it wrote the in-band error). */
    public void streamEnded() { streamsEnded.increment(); }

    /** What is wrong with this stop request, or null when {@link #create} would accept it. */
    public Problem check(StopScope scope, String subject, String reason) {
        if (scope == null) return new Problem(false, "scope", "'scope' must be one of global, provider, account, key");
        if (reason == null || reason.isBlank()) return new Problem(false, "reason", "'reason' is required: say why traffic is stopped");
        if (reason.length() > Stop.REASON_CHARS_MAX) {
            return new Problem(false, "reason", "'reason' is longer than " + Stop.REASON_CHARS_MAX + " characters");
        }
        if (scope == StopScope.GLOBAL) {
            return subject == null ? null : new Problem(false, "id", "a global stop takes no 'id'");
        }
        if (subject == null || subject.isBlank()) return new Problem(false, "id", "a " + scope.wire() + " stop needs an 'id'");
        boolean known = scope == StopScope.PROVIDER ? providers.contains(subject) : store.exists(scope, subject);
        if (!known) {
            return scope == StopScope.PROVIDER
                    ? new Problem(false, "id", "no configured provider named '" + subject + "' (configured: " + String.join(", ", providers.stream().sorted().toList()) + ")")
                    : new Problem(true, "id", "no " + (scope == StopScope.KEY ? "API key" : "account") + " with id '" + subject + "'");
        }
        return null;
    }

    /** Makes a stop (after {@link #check} said yes); in force here when this returns, elsewhere within a poll. */
    public Stop create(StopScope scope, String subject, String reason, String origin) {
        Problem p = check(scope, subject, reason);
        if (p != null) throw new IllegalArgumentException(p.message());
        Stop stop = new Stop(ApiKeys.newId("stop"), scope, subject, reason.strip(), origin, clock.millis(), null);
        store.insert(stop, null);
        refresh();
        return stop;
    }

    /**
     * Makes a stop at most once per {@code dedupeKey} across every replica (automatic stops);
     * empty when it was already made.
     */
    public Optional<Stop> createOnce(StopScope scope, String subject, String reason, String dedupeKey) {
        Stop stop = new Stop(ApiKeys.newId("stop"), scope, subject, reason, "automatic", clock.millis(), null);
        if (!store.insert(stop, dedupeKey)) return Optional.empty();
        refresh();
        return Optional.of(stop);
    }

    /** Releases a stop; empty when there is no stop with that id. Releasing twice is fine. */
    public Optional<Stop> release(String id) {
        Optional<Stop> released = store.release(id, clock.millis());
        if (released.isPresent()) refresh();
        return released;
    }

    /** The stops in force (from the store, not the snapshot, so an operator sees the truth). */
    public List<Stop> active() { return store.active(); }

    /** Every stop, released ones too, newest first. */
    public List<Stop> all() { return store.all(LIST_MAX); }

    /** The snapshot the request path reads (tests and metrics). */
    public StopSnapshot snapshot() { return snapshot; }

    /** Re-reads the stops when they changed; every call also ends the in-flight streams they cover. */
    void refresh() {
        synchronized (refreshLock) {
            long count = store.changeCount(); // read before the rows: a change in between is picked up next time
            if (count != snapshot.changeCount()) snapshot = new StopSnapshot(store.active(), count);
            int ended = streams.apply(snapshot);
            if (ended > 0) LOG.info(() -> "emergency stop: ending " + ended + " in-flight stream(s)");
        }
    }

    private void poll() {
        try {
            while (!closing.await(pollIntervalMs, TimeUnit.MILLISECONDS)) {
                try {
                    checkAutomaticStops();
                    refresh();
                    if (pollFailing) LOG.info("emergency stops: the store answers again");
                    pollFailing = false;
                } catch (RuntimeException e) {
                    pollFailures.increment();
                    if (!pollFailing) LOG.log(Level.WARNING, "emergency stops: cannot poll the store; the last known stops stay in force", e);
                    pollFailing = true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown(); // wakes the poller without interrupting a query in progress
        Thread t = poller;
        if (t == null) return;
        try {
            t.join(2_000); // the store closes next: let a poll in progress finish first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
