package dev.tollgate.provider.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection of {@link LeanUpstreamHttp}: the socket, its read buffer and a reusable buffer the
 * request is encoded into. Used by one thread at a time (whoever took it from the pool); only {@link #abort()}
 * may come from another thread (the stream watchdog), and it only closes the socket, which unblocks the reader.
 */
final class LeanConnection {
    private static final int READ_BUFFER_BYTES = 16 * 1024;
    /** A longer status, header or chunk-size line is refused (a broken or hostile upstream). */
    private static final int LINE_BYTES_MAX = 64 * 1024;

    /** The TCP socket; closing it aborts the exchange without a TLS close_notify (which could block). */
    private final Socket raw;
    /** {@link #raw}, or the TLS socket layered on it. */
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[READ_BUFFER_BYTES];
    private int pos;
    private int limit;
    /** Bytes received since the last request was sent: 0 means the peer has not begun to answer it. */
    private long receivedBytes;
    /** Requests sent on this connection; more than one means it came from the pool. */
    private int requests;
    /** When it went back to the pool ({@link System#nanoTime()}). */
    long idleSinceNanos;
    /** The request is encoded here, kept between requests (bounded: see {@link LeanRequestHead}). */
    final LeanRequestHead.Buffer requestBuffer = new LeanRequestHead.Buffer();

    private LeanConnection(Socket raw, Socket socket) throws IOException {
        this.raw = raw;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects (and for TLS, handshakes with SNI and host name verification) within {@code connectTimeoutMs}. */
    static LeanConnection open(String host, int port, SSLSocketFactory tls, int connectTimeoutMs) throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true); // the request goes out in one write; never wait for an ACK to send it
            try {
                raw.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            } catch (SocketTimeoutException e) {
                throw (IOException) new HttpConnectTimeoutException("no connection to " + host + ":" + port
                        + " within " + connectTimeoutMs + " ms").initCause(e);
            }
            if (tls == null) return new LeanConnection(raw, raw);
            SSLSocket ssl = (SSLSocket) tls.createSocket(raw, host, port, true);
            SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            // JSSE would send SNI only for dotted names; a name without a dot (an internal host) needs it too.
            // IP literals never carry SNI (RFC 6066 3).
            if (!isIpLiteral(host)) params.setServerNames(List.of(new SNIHostName(host)));
            params.setApplicationProtocols(new String[] {"http/1.1"});
            ssl.setSSLParameters(params);
            ssl.setSoTimeout(connectTimeoutMs); // a silent server must not hold the handshake forever
            try {
                ssl.startHandshake();
            } catch (SocketTimeoutException e) {
                throw (IOException) new HttpConnectTimeoutException("no TLS handshake with " + host + ":" + port
                        + " within " + connectTimeoutMs + " ms").initCause(e);
            }
            ssl.setSoTimeout(0); // reads wait untimed: the idle watchdog bounds them (LeanUpstreamHttp.exchange)
            return new LeanConnection(raw, ssl);
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** Sends {@code len} bytes of {@code bytes} as the next request. */
    void send(byte[] bytes, int len) throws IOException {
        requests++;
        receivedBytes = 0;
        pos = limit = 0; // a connection in the pool has nothing unread (the previous body ended exactly)
        out.write(bytes, 0, len);
    }

    /** The rest of a large body, after {@link #send}. */
    void sendMore(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    boolean reused() { return requests > 1; }

    boolean nothingReceived() { return receivedBytes == 0; }

    /**
     * The next line without its CR LF (a bare LF is accepted too), as ISO-8859-1 text; null when the stream ended
     * before the line's first byte.
     */
    String readLine() throws IOException {
        while (true) {
            for (int i = pos; i < limit; i++) { // usual case: the whole line is in the buffer
                if (buf[i] == '\n') {
                    String line = new String(buf, pos, lineEnd(buf, pos, i) - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return line;
                }
            }
            if (pos < limit) return readLineSlowly(); // part of a line is buffered: rare
            if (fill() < 0) return null; // nothing buffered (the first line of an answer): read, then scan
        }
    }

    private String readLineSlowly() throws IOException {
        byte[] line = new byte[256];
        int n = 0;
        while (true) {
            if (pos == limit && fill() < 0) {
                if (n == 0) return null;
                throw new IOException("upstream connection ended inside a line");
            }
            byte b = buf[pos++];
            if (b == '\n') return new String(line, 0, lineEnd(line, 0, n), StandardCharsets.ISO_8859_1);
            if (n == line.length) {
                if (n >= LINE_BYTES_MAX) throw new IOException("upstream sent a line over " + LINE_BYTES_MAX + " bytes");
                line = java.util.Arrays.copyOf(line, Math.min(n * 2, LINE_BYTES_MAX));
            }
            line[n++] = b;
        }
    }

    /** Where the line ending at the LF at {@code lf} ends without its optional CR. */
    private static int lineEnd(byte[] bytes, int start, int lf) {
        return lf > start && bytes[lf - 1] == '\r' ? lf - 1 : lf;
    }

    /** Reads up to {@code len} body bytes: from the buffer first; large reads go straight to the socket. */
    int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pos == limit) {
            if (len >= buf.length) {
                int n = in.read(b, off, len);
                if (n > 0) receivedBytes += n;
                return n;
            }
            if (fill() < 0) return -1;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    private int fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n > 0) {
            pos = 0;
            limit = n;
            receivedBytes += n;
        }
        return n;
    }

    /** Bytes buffered beyond what was consumed: a response that ended with more bytes after it. */
    boolean hasUnread() { return pos < limit; }

    /** Closes an idle connection (TLS: with close_notify; nobody else uses it). */
    void close() {
        closeQuietly(socket);
        closeQuietly(raw);
    }

    /** Closes the TCP socket under a possibly blocked reader, from any thread. */
    void abort() {
        closeQuietly(raw);
    }

    /**
     * Aborts on the gateway's own decision (a deadline, an emergency stop), from any thread: the failure the reader
     * then sees is ours, not a stale connection's, so the call must not be sent again.
     */
    void cancel() {
        cancelled = true;
        abort();
    }

    boolean cancelled() { return cancelled; }

    private volatile boolean cancelled;

    boolean isClosed() { return raw.isClosed(); }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a broken socket: nothing left to do
        }
    }
}
