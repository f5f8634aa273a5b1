package dev.tollgate.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import dev.tollgate.routing.health.Backoff;

/**
 * A clock tests move by hand (breakers, rpm buckets, budget months), and a backoff sleeper that records each delay
 * and advances the clock by it instead of sleeping: retries are instant and their waits assertable.
 */
public final class TestClock extends Clock {
    private final AtomicLong millis;
    /** Every backoff delay the gateway asked for, in ms, in order. */
    public final List<Long> sleeps = new CopyOnWriteArrayList<>();

    public TestClock() {
        this(Instant.now());
    }

    public TestClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    public void set(Instant at) {
        millis.set(at.toEpochMilli());
    }

    public void advance(Duration d) {
        millis.addAndGet(d.toMillis());
    }

    /** Records the delay and moves time forward by it. */
    public Backoff.Sleeper sleeper() {
        return ms -> {
            sleeps.add(ms);
            millis.addAndGet(ms);
        };
    }

    @Override
    public long millis() { return millis.get(); }

    @Override
    public Instant instant() { return Instant.ofEpochMilli(millis()); }

    @Override
    public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException("tests use UTC"); }
}
