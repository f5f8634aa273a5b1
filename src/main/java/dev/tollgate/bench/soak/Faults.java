package dev.tollgate.bench.soak;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The faults of the soak, in order, at fixed fractions of its duration: kill -9 one replica with
 * streams in flight on it (restarted at once; the time until its holds are released is measured),
 * kill -9 and restart Redis, pause PostgreSQL for {@link #PG_PAUSE_MS}.
 */
final class Faults {
    static final long PG_PAUSE_MS = 4_000;
    static final long REDIS_DOWN_MS = 2_000;

    private final Soak soak;
    private final PausableProxy pg;

    Faults(Soak soak, PausableProxy pg) {
        this.soak = soak;
        this.pg = pg;
    }

    void run(long startMs, long endMs) throws Exception {
        long span = endMs - startMs;
        waitUntil(startMs + span * 20 / 100);
        killReplica(1);
        waitUntil(startMs + span * 45 / 100);
        Soak.log("fault: kill -9 redis-server");
        soak.timeline.redisDownAt = System.currentTimeMillis();
        soak.redis.kill9();
        Thread.sleep(REDIS_DOWN_MS);
        soak.redis.start();
        soak.timeline.redisUpAt = System.currentTimeMillis();
        Soak.log("fault: redis-server restarted (empty)");
        waitUntil(startMs + span * 70 / 100);
        Soak.log("fault: PostgreSQL paused for " + PG_PAUSE_MS + " ms");
        soak.timeline.pgPauseAt = System.currentTimeMillis();
        pg.pause();
        Thread.sleep(PG_PAUSE_MS);
        pg.resume();
        soak.timeline.pgResumeAt = System.currentTimeMillis();
        Soak.log("fault: PostgreSQL resumed");
    }

    private void killReplica(int victim) throws Exception {
        Replica r = soak.replicas.get(victim);
        String base = r.baseUrl();
        long callsBefore = soak.upstream.calls.get();
        for (int i = 0; i < 3; i++) { // streams in flight on the victim, each holding credits
            long n = soak.markers.getAndIncrement();
            String body = "{\"model\":\"slow\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Say something [soak-" + n + "]\"}]}";
            Thread.ofVirtual().start(() -> {
                long start = System.currentTimeMillis();
                try {
                    HttpResponse<String> res = soak.http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + soak.mainKey)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    boolean done = res.statusCode() == 200 && res.body().endsWith("data: [DONE]\n\n");
                    soak.outcomes.add(new Outcome(n, Outcome.Kind.STREAM, victim, res.statusCode(),
                            res.headers().firstValue("x-request-id").orElse(null), null, done, null, start,
                            System.currentTimeMillis(), 0));
                } catch (Exception cut) {
                    soak.outcomes.add(new Outcome(n, Outcome.Kind.STREAM, victim, -1, null, "connection_broken", false, null,
                            start, System.currentTimeMillis(), 0));
                }
            });
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (soak.upstream.calls.get() < callsBefore + 3 && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Set<String> open = openHolds();
        Set<String> slices = openSlices(Long.MAX_VALUE); // every open slice; the victim's are told apart below
        Soak.log("fault: kill -9 replica " + victim + " (pid " + r.pid() + ") with " + open.size() + " holds open in the store"
                + " and " + slices.size() + " credit slices open on all replicas");
        soak.timeline.victim = victim;
        soak.timeline.victimOpenHolds = open.size();
        soak.timeline.killAt = System.currentTimeMillis();
        r.kill9();
        Thread restart = Thread.ofVirtual().start(() -> {
            try {
                r.start();
                soak.timeline.restartedAt = System.currentTimeMillis();
                Soak.log("fault: replica " + victim + " restarted at " + r.baseUrl());
            } catch (Exception e) {
                Soak.log("fault: replica " + victim + " did not restart: " + e.getMessage());
            }
        });
        // Holds open at the kill that are still open: the victim's (the others settle within a second).
        long limit = soak.timeline.killAt + 10 * 60_000;
        while (System.currentTimeMillis() < limit) {
            Set<String> still = openHolds();
            still.retainAll(open);
            // a slice open at the kill whose replica has not renewed its lease since: the victim's (live replicas renew
            // every lease/5), released by the others once the lease lapses (docs/operations.md "Replica leases")
            Set<String> stillSliced = openSlices(soak.timeline.killAt);
            stillSliced.retainAll(slices);
            if (soak.timeline.victimOpenSlices < 0 && System.currentTimeMillis() - soak.timeline.killAt > 1_500) {
                soak.timeline.victimOpenSlices = stillSliced.size(); // live replicas have renewed by now: the victim's
            }
            if (still.isEmpty() && stillSliced.isEmpty() && System.currentTimeMillis() - soak.timeline.killAt > 1_000) break;
            Thread.sleep(100);
        }
        soak.timeline.victimHoldsReleasedAt = System.currentTimeMillis();
        Soak.log("fault: every hold and victim's slice open at the kill resolved after "
                + (soak.timeline.victimHoldsReleasedAt - soak.timeline.killAt) + " ms");
        restart.join();
    }

    /** Open credit slices of replicas whose last heartbeat is before {@code heartbeatBefore} (epoch ms). */
    private Set<String> openSlices(long heartbeatBefore) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(soak.schemaUrl); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT s.id FROM ledger_slices s JOIN replicas r ON r.id = s.replica "
                        + "WHERE s.status = 'open' AND r.heartbeat_at < ?")) {
            ps.setLong(1, heartbeatBefore);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private Set<String> openHolds() throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(soak.schemaUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM ledger_holds WHERE status = 'open'")) {
            while (rs.next()) ids.add(rs.getString(1));
        }
        return ids;
    }

    private static void waitUntil(long epochMs) throws InterruptedException {
        long left = epochMs - System.currentTimeMillis();
        if (left > 0) Thread.sleep(left);
    }
}
