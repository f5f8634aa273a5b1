package dev.tollgate.limits.quota;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TCP pass-through to the real Redis that a test can cut and restore: a Redis outage on demand. */
final class RedisProxy implements AutoCloseable {
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    /** Replies from Redis wait at this gate: commands run, their answers are late (a timeout). */
    private volatile java.util.concurrent.CountDownLatch replies = new java.util.concurrent.CountDownLatch(0);

    RedisProxy() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = s.getLocalPort();
        listen(s);
    }

    String url() { return "redis://127.0.0.1:" + port; }

    /** Closes every connection and stops listening: Redis is "down". */
    void cut() throws IOException {
        server.close();
        for (Socket s : sockets) s.close();
        sockets.clear();
    }

    /** Holds back Redis's answers (the commands still reach it and run). */
    void pauseReplies() {
        replies = new java.util.concurrent.CountDownLatch(1);
    }

    void resumeReplies() {
        replies.countDown();
    }

    /** Listens again on the same port: Redis is back. */
    void restore() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        listen(s);
    }

    private void listen(ServerSocket s) {
        server = s;
        Thread.ofVirtual().start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    Socket upstream = new Socket("127.0.0.1", 6379);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream, false);
                    pump(upstream, client, true);
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void pump(Socket from, Socket to, boolean isReply) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (isReply) replies.await();
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException ignored) {
                // cut
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        resumeReplies();
        cut();
    }
}
