package dev.tollgate.limits.stop;

import dev.tollgate.provider.IdleWatchdog;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams being answered right now, so a new stop can end the ones it covers. A stop closes the
 * upstream response the stream's thread is reading (through {@link IdleWatchdog#closeWatchesOf}), so
 * the stream ends even when the provider sends nothing; the pipeline sees {@link Tracked#stopped()}
 * and ends the client's stream with the in-band error, billing what was produced.
 */
final class InFlightStreams {
    /** One stream in flight; closed by the pipeline when the stream is over, on every path. */
    final class Tracked implements EmergencyStops.Stream {
        private final String accountId;
        private final String keyId;
        private final String provider;
        private final Thread thread = Thread.currentThread();
        private volatile Stop stopped;
        private boolean closed; // guarded by this: no upstream of a later request on this thread is closed

        private Tracked(String accountId, String keyId, String provider) {
            this.accountId = accountId;
            this.keyId = keyId;
            this.provider = provider;
        }

        /** The stop that ended this stream, or null while it may go on. */
        @Override
        public Stop stopped() { return stopped; }

        /** Marks the stream stopped (first stop wins) and closes its upstream; again on later ticks. */
        private synchronized void cancel(Stop s) {
            if (closed) return;
            if (stopped == null) stopped = s;
            IdleWatchdog.shared().closeWatchesOf(thread);
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
            }
            streams.remove(this);
        }
    }

    private final Set<Tracked> streams = ConcurrentHashMap.newKeySet();

    /**
     * Registers the calling thread's stream, then checks {@code now}: a stop published before the
     * registration is seen here, one published after it is seen by {@link #apply}.
     */
    Tracked track(String accountId, String keyId, String provider, StopSnapshot now) {
        Tracked t = new Tracked(accountId, keyId, provider);
        streams.add(t);
        Stop s = now.forCall(accountId, keyId, provider);
        if (s != null) t.cancel(s);
        return t;
    }

    /**
     * Ends every stream the snapshot's stops cover; returns how many were newly stopped. Streams
     * already stopped are cancelled again, which closes an upstream opened after the first cancel.
     */
    int apply(StopSnapshot snapshot) {
        int newlyStopped = 0;
        for (Tracked t : streams) {
            Stop s = t.stopped != null ? t.stopped : snapshot.forCall(t.accountId, t.keyId, t.provider);
            if (s == null) continue;
            if (t.stopped == null) newlyStopped++;
            t.cancel(s);
        }
        return newlyStopped;
    }

    int size() { return streams.size(); }
}
