package dev.tollgate.provider.http;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A response's status line and headers as {@link LeanUpstreamHttp} reads them, and what they say about the body:
 * its framing (Content-Length, chunked, or up to the end of the connection) and whether the connection may carry
 * another request afterwards. Interim 1xx answers (100 Continue) are skipped.
 */
final class LeanResponseHead {
    /** Bounds on what an upstream may send before its body. */
    private static final int HEADERS_MAX = 256;
    private static final int HEAD_CHARS_MAX = 256 * 1024;
    /** Interim (1xx) answers accepted before the final one. */
    private static final int INTERIM_MAX = 16;

    enum Framing { LENGTH, CHUNKED, UNTIL_CLOSE }

    final int status;
    private final List<String> names;
    private final List<String> values;
    final Framing framing;
    /** The body's length for {@link Framing#LENGTH}. */
    final long contentLength;
    /** Whether the connection may be reused once the body has been read to its end. */
    final boolean keepAlive;

    private LeanResponseHead(int status, boolean http11, List<String> names, List<String> values) throws IOException {
        this.status = status;
        this.names = names;
        this.values = values;
        String transferEncoding = header("Transfer-Encoding");
        long length = -1;
        Framing f;
        if (status == 204 || status == 304) {
            f = Framing.LENGTH; // never a body, whatever the headers say
            length = 0;
        } else if (transferEncoding != null) {
            // RFC 9112 6.3: chunked must be the last coding, and it overrides any Content-Length
            f = lastToken(transferEncoding).equalsIgnoreCase("chunked") ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
        } else {
            length = contentLength();
            f = length >= 0 ? Framing.LENGTH : Framing.UNTIL_CLOSE;
        }
        this.framing = f;
        this.contentLength = length;
        this.keepAlive = http11 && f != Framing.UNTIL_CLOSE && !hasToken(header("Connection"), "close");
    }

    /**
     * Reads the head of the next final response; null when the connection ended before its first byte. The socket's
     * read timeout bounds each silence; {@code deadlineNanos} ({@link System#nanoTime()}) bounds the whole head, so
     * an upstream that trickles interim answers or header lines cannot hold the call past it.
     */
    static LeanResponseHead read(LeanConnection conn, long deadlineNanos) throws IOException {
        for (int interim = 0; ; interim++) {
            if (interim > INTERIM_MAX) throw new IOException("upstream sent over " + INTERIM_MAX + " interim answers");
            String statusLine = conn.readLine();
            if (statusLine == null) return null;
            pastDeadline(deadlineNanos);
            // "HTTP/1.1 200 OK": the version, a space, three digits, then an optional reason
            if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || statusLine.charAt(8) != ' '
                    || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
                throw new IOException("upstream sent a malformed status line: " + printable(statusLine));
            }
            int status = parseStatus(statusLine);
            List<String> names = new ArrayList<>(16);
            List<String> values = new ArrayList<>(16);
            readHeaders(conn, names, values, deadlineNanos);
            if (status == 101) throw new IOException("upstream switched protocols unasked");
            if (status >= 200) return new LeanResponseHead(status, statusLine.charAt(7) == '1', names, values);
            // an interim answer (100 Continue, 103 Early Hints): the final one follows
        }
    }

    /** A chunked body's trailers: read (bounded) and dropped. */
    static void skipTrailers(LeanConnection conn) throws IOException {
        readHeaders(conn, null, null, 0);
    }

    /** Header lines up to the empty line ({@code names} null: dropped; {@code deadlineNanos} 0: none). */
    private static void readHeaders(LeanConnection conn, List<String> names, List<String> values, long deadlineNanos)
            throws IOException {
        int chars = 0;
        for (int count = 0; ; count++) {
            String line = conn.readLine();
            if (line == null) throw new IOException("upstream connection ended inside the response head");
            if (deadlineNanos != 0) pastDeadline(deadlineNanos);
            if (line.isEmpty()) return;
            chars += line.length();
            if (count >= HEADERS_MAX || chars > HEAD_CHARS_MAX) throw new IOException("upstream sent too many headers");
            int colon = line.indexOf(':');
            // a folded line (leading space) or a nameless one: obsolete or broken, refused (RFC 9112 5.2)
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
                throw new IOException("upstream sent a malformed header line");
            }
            if (names != null) {
                names.add(line.substring(0, colon));
                values.add(line.substring(colon + 1).strip());
            }
        }
    }

    private static void pastDeadline(long deadlineNanos) throws SocketTimeoutException {
        if (System.nanoTime() - deadlineNanos > 0) throw new SocketTimeoutException("the response head took too long");
    }

    /** The first value of header {@code name}, any case; null when absent. */
    String header(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) return values.get(i);
        }
        return null;
    }

    private static int parseStatus(String line) throws IOException {
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') throw new IOException("upstream sent a malformed status line: " + printable(line));
            status = status * 10 + (c - '0');
        }
        if (status < 100) throw new IOException("upstream sent status " + status);
        return status;
    }

    /** -1 when absent; several equal values (a list or repeated headers) count as one, differing ones are refused. */
    private long contentLength() throws IOException {
        long length = -1;
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).equalsIgnoreCase("Content-Length")) continue;
            for (String v : values.get(i).split(",")) {
                long n = parseLength(v.strip());
                if (length != -1 && n != length) throw new IOException("upstream sent conflicting Content-Length values");
                length = n;
            }
        }
        return length;
    }

    private static long parseLength(String v) throws IOException {
        if (v.isEmpty() || v.length() > 18) throw new IOException("upstream sent an invalid Content-Length");
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') throw new IOException("upstream sent an invalid Content-Length");
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static String lastToken(String list) {
        int comma = list.lastIndexOf(',');
        return (comma < 0 ? list : list.substring(comma + 1)).strip();
    }

    private static boolean hasToken(String list, String token) {
        if (list == null) return false;
        for (String t : list.split(",")) {
            if (t.strip().equalsIgnoreCase(token)) return true;
        }
        return false;
    }

    /** A bounded, control-free excerpt for error messages. */
    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
