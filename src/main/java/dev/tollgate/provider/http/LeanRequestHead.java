package dev.tollgate.provider.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The request bytes of {@link LeanUpstreamHttp}: the part fixed per URI ({@code POST path HTTP/1.1}, {@code Host})
 * encoded once, then per request the adapter's headers, {@code Content-Length} and, when small, the body, all in
 * one buffer so that the whole request leaves in one write (one TCP segment, or one TLS record, for a usual call).
 */
final class LeanRequestHead {
    /** Bodies up to this size are copied behind the head and sent with it; larger ones are written after it. */
    static final int INLINE_BODY_BYTES_MAX = 64 * 1024;

    private LeanRequestHead() {}

    /** {@code POST <path> HTTP/1.1 CRLF Host: <authority> CRLF} for {@code uri}. */
    static byte[] prefix(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == (uri.getScheme().equalsIgnoreCase("https") ? 443 : 80);
        String host = uri.getHost() + (defaultPort ? "" : ":" + port);
        Buffer b = new Buffer();
        b.ascii("POST ");
        b.text(path);
        b.ascii(" HTTP/1.1\r\nHost: ");
        b.text(host);
        b.ascii("\r\n");
        return Arrays.copyOf(b.bytes, b.length);
    }

    /**
     * Encodes the whole request into {@code into}; returns whether the body is in it too (else the caller writes
     * the body after the head). Adapter headers must not carry CR or LF (refused: it would split the request).
     */
    static boolean encode(Buffer into, byte[] prefix, Map<String, String> headers, byte[] body) {
        into.reset();
        into.put(prefix, 0, prefix.length);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            // the transport owns the framing headers
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Host")
                    || name.equalsIgnoreCase("Transfer-Encoding") || name.equalsIgnoreCase("Connection")) {
                continue;
            }
            into.text(name);
            into.ascii(": ");
            into.text(h.getValue());
            into.ascii("\r\n");
        }
        into.ascii("Content-Length: ");
        into.ascii(Integer.toString(body.length));
        into.ascii("\r\n\r\n");
        if (body.length > INLINE_BODY_BYTES_MAX) return false;
        into.put(body, 0, body.length);
        return true;
    }

    /** A growable byte buffer; kept per connection, so its array is shrunk back when a large body grew it. */
    static final class Buffer {
        private static final int KEPT_BYTES_MAX = 2 * INLINE_BODY_BYTES_MAX;
        byte[] bytes = new byte[2048];
        int length;

        void reset() {
            if (bytes.length > KEPT_BYTES_MAX) bytes = new byte[2048];
            length = 0;
        }

        void put(byte[] src, int off, int len) {
            ensure(len);
            System.arraycopy(src, off, bytes, length, len);
            length += len;
        }

        /** Appends a literal known to be ASCII. */
        void ascii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) bytes[length++] = (byte) s.charAt(i);
        }

        /** Appends header text: ASCII byte by byte, anything else as UTF-8; CR, LF and NUL are refused. */
        void text(String s) {
            ensure(s.length());
            int start = length;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\r' || c == '\n' || c == 0) throw new IllegalArgumentException("CR, LF or NUL in an upstream request header");
                if (c >= 0x80) { // rare: redo this string as UTF-8
                    length = start;
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    put(utf8, 0, utf8.length);
                    return;
                }
                bytes[length++] = (byte) c;
            }
        }

        private void ensure(int more) {
            if (length + more > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
