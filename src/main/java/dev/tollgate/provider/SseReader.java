package dev.tollgate.provider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads server-sent events from a byte stream: returns the payload of each event's {@code data:}
 * lines (joined by '\n'), skipping comments and other fields. Bounded: an event larger than
 * {@code maxEventBytes} is a protocol error, not a memory problem.
 */
public final class SseReader {
    private final InputStream in;
    private final int maxEventBytes;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    private byte[] line = new byte[1024];
    private int lineLen;
    private String eventName;

    public SseReader(InputStream in, int maxEventBytes) {
        this.in = in;
        this.maxEventBytes = maxEventBytes;
    }

    /** The {@code event:} field of the event last returned by {@link #next()}, or null. */
    public String eventName() { return eventName; }

    /** The next event's data, or null at the end of the stream. */
    public byte[] next() throws IOException {
        byte[] data = null;
        eventName = null;
        while (readLine()) {
            if (lineLen == 0) {
                if (data != null) return data;
                eventName = null;
                continue;
            }
            if (startsWith("data:")) {
                int from = 5;
                if (lineLen > 5 && line[5] == ' ') from = 6;
                byte[] part = Arrays.copyOfRange(line, from, lineLen);
                data = data == null ? part : join(data, part);
                if (data.length > maxEventBytes) throw new IOException("event larger than " + maxEventBytes + " bytes");
            } else if (startsWith("event:")) {
                eventName = new String(line, 6, lineLen - 6, StandardCharsets.UTF_8).strip();
            }
            // ':' comments (keep-alives), id: and retry: are ignored
        }
        return data; // a final event without its blank line still counts
    }

    private static byte[] join(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + 1 + b.length);
        out[a.length] = '\n';
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        return out;
    }

    private boolean startsWith(String prefix) {
        if (lineLen < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) return false;
        }
        return true;
    }

    /** Reads one line without its terminator (\n, \r\n or \r\n). False at end of stream with nothing read. */
    private boolean readLine() throws IOException {
        lineLen = 0;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any;
                }
            }
            byte b = buf[pos++];
            any = true;
            if (b == '\n') {
                if (lineLen > 0 && line[lineLen - 1] == '\r') lineLen--;
                return true;
            }
            if (lineLen == line.length) {
                if (line.length >= maxEventBytes) throw new IOException("line longer than " + maxEventBytes + " bytes");
                line = Arrays.copyOf(line, Math.min(line.length * 2, maxEventBytes));
            }
            line[lineLen++] = b;
        }
    }
}
