package dev.tollgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP pass-through on loopback to a real server (PostgreSQL, Redis) that a test can cut and restore:
 * a dependency outage on demand without touching the shared server other tests use.
 */
public final class TcpProxy implements AutoCloseable {
    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    /** Replies from the server wait at this gate: requests run there, their answers are late (a timeout). */
    private volatile java.util.concurrent.CountDownLatch replies = new java.util.concurrent.CountDownLatch(0);

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = s.getLocalPort();
        listen(s);
    }

    public int port() { return port; }

    /** Closes every connection and stops listening: the server is "down" (connections refused). */
    public void cut() throws IOException {
        server.close();
        for (Socket s : sockets) s.close();
        sockets.clear();
    }

    /** Holds back the server's answers (the requests still reach it and run). */
    public void pauseReplies() {
        replies = new java.util.concurrent.CountDownLatch(1);
    }

    public void resumeReplies() {
        replies.countDown();
    }

    /** Listens again on the same port: the server is back. */
    public void restore() throws IOException {
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
                    Socket upstream = new Socket("127.0.0.1", targetPort);
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
