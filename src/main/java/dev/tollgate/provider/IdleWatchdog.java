package dev.tollgate.provider;

import java.io.Closeable;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes upstream streams that stay silent longer than their idle limit. One daemon thread scans
 * every registered stream four times a second, so a stalled provider can never pin a request forever.
 * {@link #closeWatchesOf} closes a thread's streams at once (an emergency stop ends them, stalled or not).
 */
public final class IdleWatchdog {
    private static final long SCAN_INTERVAL_MS = 250;
    private static final IdleWatchdog SHARED = new IdleWatchdog();

    /** A watched stream: call {@link #touch()} on activity, {@link #close()} when done. */
    public final class Watch implements AutoCloseable {
        private final Closeable target;
        private final long idleLimitMs;
        private final Thread owner = Thread.currentThread();
        private volatile long lastActivityMs = System.currentTimeMillis();
        private volatile boolean fired;

        private Watch(Closeable target, long idleLimitMs) {
            this.target = target;
            this.idleLimitMs = idleLimitMs;
        }

        public void touch() { lastActivityMs = System.currentTimeMillis(); }

        /** True when the watchdog closed the stream for idleness. */
        public boolean fired() { return fired; }

        @Override
        public void close() { watches.remove(this); }

        private void check(long now) {
            if (now - lastActivityMs <= idleLimitMs) return;
            fired = true;
            closeTarget();
        }

        private void closeTarget() {
            watches.remove(this);
            try {
                target.close();
            } catch (IOException ignored) {
                // closing is best effort: the reader sees the stream end either way
            }
        }
    }

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

    private IdleWatchdog() {
        Thread t = Thread.ofPlatform().daemon().name("tollgate-idle-watchdog").unstarted(this::run);
        t.start();
    }

    public static IdleWatchdog shared() { return SHARED; }

    public Watch watch(Closeable target, long idleLimitMs) {
        Watch w = new Watch(target, idleLimitMs);
        watches.add(w);
        return w;
    }

    /**
     * Closes, now, every stream that {@code owner} is reading (its reader then sees the stream end as
     * broken, not idle); returns how many. For one request thread there is at most one.
     */
    public int closeWatchesOf(Thread owner) {
        int closed = 0;
        for (Watch w : watches) {
            if (w.owner != owner) continue;
            w.closeTarget();
            closed++;
        }
        return closed;
    }

    private void run() {
        while (true) {
            try {
                Thread.sleep(SCAN_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.currentTimeMillis();
            for (Watch w : watches) w.check(now);
        }
    }
}
