package dev.tollgate.http;

import dev.tollgate.store.Database;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this replica should get traffic ({@code GET /ready}), and what it still has in flight.
 * Ready means: not draining for a shutdown, and the store answered {@code SELECT 1} within
 * {@link #PROBE_TIMEOUT}. Money operations need the store, so a load balancer that follows this
 * check sends nothing to a replica that would only answer 503. Redis is not part of it: every
 * Redis-backed limit has its own fallback (docs/operations.md).
 *
 * <p>As a filter it counts the requests in flight (a stream counts until its last byte), so a
 * shutdown can wait for them to finish before the server stops.
 */
public final class Readiness implements Filter {
    /** How long one store probe may take before the replica counts as not ready. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final Database db;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<CompletableFuture<Boolean>> probe = new AtomicReference<>();
    private volatile boolean draining;

    public Readiness(Database db) {
        this.db = db;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        inFlight.incrementAndGet();
        try {
            chain.proceed();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Requests being served now (a handler asking counts itself). */
    public int inFlight() { return inFlight.get(); }

    /** From now on {@code /ready} answers 503, so the load balancer stops sending new requests. */
    public void drain() { draining = true; }

    public boolean draining() { return draining; }

    /**
     * Waits until no request is in flight, or the timeout passes.
     *
     * @return true when everything finished in time
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() >= deadline) return false;
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * True when the store answered within the timeout. Probes never pile up: while one is running
     * (a paused database can hold it for the pool's 10 s connection timeout), callers wait on it.
     */
    public boolean storeReachable() {
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = probe.compareAndExchange(null, mine);
        if (running == null) {
            running = mine;
            Thread.ofVirtual().name("store-probe").start(() -> {
                mine.complete(selectOne());
                probe.compareAndSet(mine, null);
            });
        }
        try {
            return running.get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            db.seen(false); // no answer in time: a paused store is as good as down
            return false;
        }
    }

    private boolean selectOne() {
        boolean ok;
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, PROBE_TIMEOUT.toSeconds()));
            st.execute("SELECT 1");
            ok = true;
        } catch (Exception e) {
            ok = false;
        }
        db.seen(ok); // the ledger's in-memory holds stop while the store is unreachable
        return ok;
    }

    /** The {@code /ready} answer: 200 when ready, else 503 with what is wrong. */
    void handle(io.helidon.webserver.http.ServerRequest req, io.helidon.webserver.http.ServerResponse res) {
        boolean store = storeReachable();
        boolean ready = store && !draining;
        String body = "{\"status\":\"" + (ready ? "ready" : "unavailable") + "\",\"store\":\""
                + (store ? "ok" : "unreachable") + "\",\"draining\":" + draining + "}";
        if (!ready) res.header(io.helidon.http.HeaderNames.RETRY_AFTER, "1");
        TollgateServer.json(res, ready ? 200 : 503, body.getBytes(StandardCharsets.US_ASCII));
    }
}
