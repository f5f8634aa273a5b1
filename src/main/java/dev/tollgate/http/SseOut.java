package dev.tollgate.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events to the client, one flush per event so nothing is buffered. Headers are
 * committed by the first event, so until then the request can still fail over or answer an error.
 * A client that went away is remembered, not thrown: the caller asks {@link #clientGone()} and ends the stream.
 */
public final class SseOut {
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEWLINE_DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerResponse res;
    private OutputStream out;
    private boolean clientGone;

    public SseOut(ServerResponse res) {
        this.res = res;
    }

    public boolean started() { return out != null; }

    /** True once a write failed because the client went away; nothing is written after that. */
    public boolean clientGone() { return clientGone; }

    public void data(byte[] json) {
        write(DATA, json, END);
    }

    /** A named event ({@code event: NAME} then {@code data: JSON}), as Anthropic's stream uses. */
    public void event(String name, byte[] json) {
        write(EVENT, name.getBytes(StandardCharsets.US_ASCII), NEWLINE_DATA, json, END);
    }

    public void done() {
        write(DONE);
    }

    public void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            clientGone = true;
        }
    }

    private void write(byte[]... parts) {
        if (clientGone) return;
        try {
            if (out == null) {
                res.status(200);
                res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
                res.header(HeaderNames.CACHE_CONTROL, "no-cache");
                res.header("X-Accel-Buffering", "no"); // tell reverse proxies not to buffer
                out = res.outputStream();
            }
            for (byte[] p : parts) out.write(p);
            out.flush();
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed connection as an unchecked exception on some paths
            clientGone = true;
        }
    }
}
