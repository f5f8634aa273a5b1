package dev.tollgate.provider.http;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocketFactory;

/**
 * The idle keep-alive connections of {@link LeanUpstreamHttp} to one origin (scheme, host, port). Last in, first
 * out: the most recently used connection is the likeliest to be alive and warm, and under light load the older
 * ones age out instead of being kept alive by round-robin use. Bounded in count and in idle time.
 */
final class LeanPool {
    /**
     * Idle connections kept per origin; a connection given back to a full pool pushes out the oldest. Above the
     * concurrency one provider usually sees: at 256 concurrent requests a cap of 128 closed (and reopened) about
     * 1.6 % of the connections per request, as load swings left more than 128 idle for a moment.
     */
    static final int IDLE_MAX = 512;
    /**
     * Idle connections older than this are closed rather than reused. Below the 5 s keep-alive timeout of common
     * upstream servers (Node's http, uvicorn: vLLM, LiteLLM), so that a request rarely meets a connection the
     * server is closing; the one retry in {@link LeanUpstreamHttp} covers the races left.
     */
    static final long IDLE_NANOS_MAX = 4_000_000_000L;

    private final String host;
    private final int port;
    private final SSLSocketFactory tls;
    private final int connectTimeoutMs;
    private final long idleNanosMax;
    private final ReentrantLock lock = new ReentrantLock(); // not synchronized: no carrier pinning on Java 21
    private final ArrayDeque<LeanConnection> idle = new ArrayDeque<>();

    LeanPool(String host, int port, SSLSocketFactory tls, int connectTimeoutMs, long idleNanosMax) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.connectTimeoutMs = connectTimeoutMs;
        this.idleNanosMax = idleNanosMax;
    }

    /** The most recently idle connection young enough to reuse, or null. */
    LeanConnection take() {
        long now = System.nanoTime();
        List<LeanConnection> expired = null;
        LeanConnection found = null;
        lock.lock();
        try {
            LeanConnection c = idle.pollFirst();
            if (c != null && now - c.idleSinceNanos <= idleNanosMax && !c.isClosed()) {
                found = c;
            } else if (c != null) {
                // the newest is too old (or closed): so are all behind it
                expired = new ArrayList<>(idle.size() + 1);
                expired.add(c);
                expired.addAll(idle);
                idle.clear();
            }
        } finally {
            lock.unlock();
        }
        if (expired != null) expired.forEach(LeanConnection::close);
        return found;
    }

    /** A new connection (not pooled until its first response body ends). */
    LeanConnection open() throws IOException {
        return LeanConnection.open(host, port, tls, connectTimeoutMs);
    }

    /** Takes back a connection whose response body ended exactly. */
    void offer(LeanConnection c) {
        long now = System.nanoTime();
        c.idleSinceNanos = now;
        LeanConnection pushedOut = null;
        LeanConnection aged = null;
        lock.lock();
        try {
            idle.addFirst(c);
            if (idle.size() > IDLE_MAX) pushedOut = idle.pollLast();
            LeanConnection oldest = idle.peekLast();
            if (oldest != null && now - oldest.idleSinceNanos > idleNanosMax) aged = idle.pollLast();
        } finally {
            lock.unlock();
        }
        if (pushedOut != null) pushedOut.close();
        if (aged != null) aged.close();
    }

    int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }
}
