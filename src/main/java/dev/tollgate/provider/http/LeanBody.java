package dev.tollgate.provider.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response body of {@link LeanUpstreamHttp}, framed by Content-Length, chunked coding, or the end of the
 * connection. A body that ends early is an {@link IOException}, never a silent short read. Read to its exact end,
 * the connection goes back to the pool at once (when the response allows it); closed before, the connection is
 * closed, which also unblocks a reader in another thread (the stream watchdog closes bodies that way).
 */
final class LeanBody extends InputStream {
    private final LeanConnection conn;
    private final LeanPool pool;
    private final LeanResponseHead head;
    /** Bytes left in the whole body (LENGTH) or in the current chunk (CHUNKED). */
    private long left;
    /** CHUNKED: whether a chunk's data ended and its CR LF is still to be read. */
    private boolean chunkDataEnded;
    private boolean ended;
    /** Set once, by whoever settles the connection first: the end of the body (pool) or a close/failure (abort). */
    private final AtomicBoolean settled = new AtomicBoolean();

    LeanBody(LeanConnection conn, LeanPool pool, LeanResponseHead head) {
        this.conn = conn;
        this.pool = pool;
        this.head = head;
        this.left = head.framing == LeanResponseHead.Framing.LENGTH ? head.contentLength : 0;
        if (head.framing == LeanResponseHead.Framing.LENGTH && left == 0) end();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (ended) return -1;
        if (settled.get()) throw new IOException("upstream response was closed");
        if (len == 0) return 0;
        try {
            return switch (head.framing) {
                case LENGTH -> readLength(b, off, len);
                case CHUNKED -> readChunked(b, off, len);
                case UNTIL_CLOSE -> readUntilClose(b, off, len);
            };
        } catch (IOException | RuntimeException e) {
            abort(); // the framing is lost: the connection cannot carry another request
            throw e;
        }
    }

    private int readLength(byte[] b, int off, int len) throws IOException {
        int n = conn.read(b, off, (int) Math.min(len, left));
        if (n < 0) throw new IOException("upstream body ended early: " + left + " of " + head.contentLength + " bytes missing");
        left -= n;
        if (left == 0) end(); // at once: a reader that stops at the exact length still gives the connection back
        return n;
    }

    private int readChunked(byte[] b, int off, int len) throws IOException {
        if (left == 0) {
            if (chunkDataEnded) {
                String crlf = conn.readLine();
                if (crlf == null) throw new IOException("upstream body ended early (inside a chunk)");
                if (!crlf.isEmpty()) throw new IOException("upstream sent a chunk longer than its size");
                chunkDataEnded = false;
            }
            left = chunkSize(conn.readLine());
            if (left == 0) {
                LeanResponseHead.skipTrailers(conn);
                end();
                return -1;
            }
        }
        int n = conn.read(b, off, (int) Math.min(len, left));
        if (n < 0) throw new IOException("upstream body ended early (inside a chunk)");
        left -= n;
        if (left == 0) chunkDataEnded = true;
        return n;
    }

    /** The size in a chunk-size line ({@code 1a;name=value}): hex digits, extensions ignored. */
    private static long chunkSize(String line) throws IOException {
        if (line == null) throw new IOException("upstream body ended early (before the last chunk)");
        int end = line.indexOf(';');
        String hex = (end < 0 ? line : line.substring(0, end)).strip();
        if (hex.isEmpty() || hex.length() > 15) throw new IOException("upstream sent an invalid chunk size");
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) throw new IOException("upstream sent an invalid chunk size");
            size = size * 16 + d;
        }
        return size;
    }

    private int readUntilClose(byte[] b, int off, int len) throws IOException {
        int n = conn.read(b, off, len);
        if (n < 0) {
            ended = true;
            if (settled.compareAndSet(false, true)) conn.close(); // the end of the body is the end of the connection
        }
        return n;
    }

    /** The body's exact end: the connection goes back to the pool unless the response said otherwise. */
    private void end() {
        ended = true;
        if (!settled.compareAndSet(false, true)) return;
        if (head.keepAlive && !conn.hasUnread()) {
            pool.offer(conn);
        } else {
            conn.close();
        }
    }

    private void abort() {
        if (settled.compareAndSet(false, true)) conn.abort();
    }

    /** Before the end this aborts the exchange: the connection is closed, never reused. */
    @Override
    public void close() {
        if (!ended) abort();
    }

    @Override
    public int available() {
        return 0;
    }
}
