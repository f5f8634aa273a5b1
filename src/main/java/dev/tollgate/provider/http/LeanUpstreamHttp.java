package dev.tollgate.provider.http;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.IdleWatchdog;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@link UpstreamHttp} in a few hundred lines of plain blocking sockets ({@code server.upstream_client: lean}):
 * the calling virtual thread writes the request and reads the answer itself; HTTP/1.1 with a keep-alive pool
 * per origin ({@link LeanPool}). What it leaves out, on purpose: redirects (never followed, as with the other
 * two), compression (none is asked for), HTTP/2, and proxies (Tollgate configures none for the other clients
 * either; they would honour the JVM's {@code https.proxyHost} properties, this one does not).
 *
 * <p>Per request it does: one map lookup for the URI's pre-encoded request line and pool, one encode of the
 * headers into the connection's buffer, one write, and a read of the head from the connection's buffer.
 */
final class LeanUpstreamHttp implements UpstreamHttp {
    /** URIs whose request line is kept encoded; beyond this (many Gemini models) it is encoded per request. */
    private static final int TARGETS_MAX = 1024;

    /** A URI's fixed request bytes and the pool of its origin. */
    private record Target(byte[] prefix, LeanPool pool) {}

    private final ConcurrentMap<URI, Target> targets = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LeanPool> pools = new ConcurrentHashMap<>();
    private final SSLSocketFactory tls;
    private final int connectTimeoutMs;
    private final long idleNanosMax;

    LeanUpstreamHttp(TollgateConfig.Server server) {
        this(server, defaultTls(), LeanPool.IDLE_NANOS_MAX);
    }

    /** For tests: a context that trusts a test certificate, a shorter idle limit. */
    LeanUpstreamHttp(TollgateConfig.Server server, SSLContext tls, long idleNanosMax) {
        this.tls = tls.getSocketFactory();
        this.connectTimeoutMs = clampMs(server.upstreamConnectTimeoutMs());
        this.idleNanosMax = idleNanosMax;
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    @Override
    public Response post(URI uri, Map<String, String> headers, byte[] body, long timeoutMs) throws IOException {
        Target target = target(uri);
        int headTimeoutMs = clampMs(timeoutMs);
        LeanConnection pooled = target.pool.take();
        if (pooled != null) {
            try {
                return exchange(target, pooled, headers, body, headTimeoutMs);
            } catch (StaleConnection e) {
                // fall through to a new connection, once
            }
        }
        try {
            return exchange(target, target.pool.open(), headers, body, headTimeoutMs);
        } catch (StaleConnection e) {
            throw new IllegalStateException("a new connection is never stale", e);
        }
    }

    /**
     * A pooled connection failed before the upstream sent a single byte of its answer: the upstream closed it
     * while it was idle, at the moment we sent (a keep-alive timeout racing our request). A server closes an idle
     * connection only when it has no request in progress on it, and a request it did read would be answered or
     * time out rather than end in a clean close before any byte; so the request was not processed and sending it
     * again on a new connection is safe even for a POST. Timeouts are never retried (the request may be running),
     * nor anything after the first response byte, nor a failure on a new connection. The case left: a provider
     * that crashes while working on a request also ends the connection before any byte; the retry then runs the
     * request twice at the provider (the gateway still bills only the answer it got). Accepted: that is rare,
     * while failing every call that meets a provider's idle timeout would not be.
     */
    private static final class StaleConnection extends Exception {
        StaleConnection() {
            super(null, null, false, false);
        }
    }

    private Response exchange(Target target, LeanConnection conn, Map<String, String> headers, byte[] body,
                              int headTimeoutMs) throws IOException, StaleConnection {
        LeanResponseHead head;
        // A silent upstream is cut by the shared idle watchdog, which closes the socket at the deadline, not by a
        // socket read timeout: a timed read parks the virtual thread with a timeout task that the ForkJoinPool's
        // delay scheduler queues, cancels and is woken for on every call (13 % of a free request's CPU at c=32).
        // The body's reads are watched the same way by ProviderHttp. A watched wait also ends at once when an
        // emergency stop closes the thread's upstream calls.
        IdleWatchdog.Watch watch = IdleWatchdog.shared().watch(conn::cancel, headTimeoutMs);
        try {
            boolean inline = LeanRequestHead.encode(conn.requestBuffer, target.prefix, headers, body);
            conn.send(conn.requestBuffer.bytes, conn.requestBuffer.length);
            if (!inline) conn.sendMore(body);
            head = LeanResponseHead.read(conn, System.nanoTime() + headTimeoutMs * 1_000_000L);
            // (on a pooled connection, the catch below turns this into a retry)
            if (head == null) throw new IOException("upstream closed the connection without answering");
        } catch (SocketTimeoutException e) {
            conn.abort();
            throw timeout(headTimeoutMs, e);
        } catch (IOException | RuntimeException e) {
            conn.abort();
            if (watch.fired()) throw timeout(headTimeoutMs, e);
            if (conn.cancelled()) throw new IOException("upstream call cancelled (emergency stop)", e); // never resent
            if (conn.reused() && conn.nothingReceived() && e instanceof IOException) throw new StaleConnection();
            throw e;
        } finally {
            watch.close();
        }
        return new LeanResponse(head, new LeanBody(conn, target.pool, head));
    }

    private static IOException timeout(int headTimeoutMs, Exception cause) {
        return (IOException) new HttpTimeoutException("no response within " + headTimeoutMs + " ms").initCause(cause);
    }

    private Target target(URI uri) {
        Target t = targets.get(uri);
        if (t != null) return t;
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        boolean https = scheme.equals("https");
        if (!https && !scheme.equals("http")) throw new IllegalArgumentException("not an http(s) URI: " + uri);
        if (uri.getHost() == null) throw new IllegalArgumentException("no host in URI: " + uri);
        // an IPv6 literal comes bracketed, as the Host header wants it; the socket wants it bare
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        LeanPool pool = pools.computeIfAbsent(scheme + "://" + uri.getHost() + ":" + port,
                k -> new LeanPool(host, port, https ? tls : null, connectTimeoutMs, idleNanosMax));
        t = new Target(LeanRequestHead.prefix(uri), pool);
        if (targets.size() < TARGETS_MAX) targets.putIfAbsent(uri, t);
        return t;
    }

    private static int clampMs(long ms) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }

    /** For tests: idle connections held for the origin of {@code uri}. */
    int idleConnections(URI uri) {
        return target(uri).pool.idleCount();
    }

    private record LeanResponse(LeanResponseHead head, LeanBody stream) implements Response {
        @Override
        public int status() { return head.status; }

        @Override
        public InputStream body() { return stream; }

        @Override
        public String header(String name) { return head.header(name); }

        @Override
        public void close() { stream.close(); }
    }
}
