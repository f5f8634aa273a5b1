package dev.tollgate.provider.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake upstream on a raw server socket that answers with exactly the bytes a test scripts, so framing, broken
 * answers and connection handling can be provoked byte by byte. Records every request and every connection.
 */
final class RawUpstream implements AutoCloseable {
    /** A request as the fake read it. */
    record Request(int connection, int indexOnConnection, String head, byte[] body) {
        String bodyText() { return new String(body, StandardCharsets.UTF_8); }

        /** The first value of a request header (any case), or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) return line.substring(colon + 1).strip();
            }
            return null;
        }
    }

    /** Writes the answer to one request; returns false to close the connection afterwards. */
    @FunctionalInterface
    interface Script {
        boolean answer(Request request, OutputStream out) throws Exception;
    }

    private final ServerSocket server;
    private final Script script;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    /** Released once per connection the fake has closed (its side): after a scripted close or the client's. */
    final Semaphore closedConnections = new Semaphore(0);
    private final java.util.Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);

    RawUpstream(Script script) throws IOException {
        this(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()), script);
    }

    RawUpstream(ServerSocket server, Script script) {
        this.server = server;
        this.script = script;
        Thread.ofVirtual().start(this::acceptLoop);
    }

    String url(String path) {
        String scheme = server instanceof javax.net.ssl.SSLServerSocket ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getLocalPort() + path;
    }

    int port() { return server.getLocalPort(); }

    /** Waits until the fake closed {@code n} connections (in all, since the start). */
    void awaitClosed(int n) throws InterruptedException {
        if (!closedConnections.tryAcquire(n, 10, TimeUnit.SECONDS)) throw new AssertionError("connections not closed in time");
        closedConnections.release(n);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id = connections.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s, id));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int index = 1; ; index++) {
                String head = readHead(in);
                if (head == null) return; // the client closed
                String length = headerOf(head, "content-length");
                byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
                Request r = new Request(id, index, head, body);
                requests.add(r);
                boolean keep = script.answer(r, out);
                out.flush();
                if (!keep) return;
            }
        } catch (Exception e) {
            // a client that aborted, or a scripted failure: the connection ends either way
        } finally {
            open.remove(s);
            closedConnections.release();
        }
    }

    private static String headerOf(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).toLowerCase(Locale.ROOT).equals(name)) return line.substring(colon + 1).strip();
        }
        return null;
    }

    /** The request head up to its empty line, or null when the connection ended first. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) return head.toString(StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    static void write(OutputStream out, String ascii) throws IOException {
        out.write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** {@code HTTP/1.1 200 OK} with a Content-Length body. */
    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) s.close();
        stopped.countDown();
    }
}
