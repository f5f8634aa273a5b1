package dev.tollgate.limits.quota;

import dev.tollgate.testing.TcpProxy;
import java.io.IOException;

/** A TCP pass-through to the real Redis that a test can cut and restore: a Redis outage on demand. */
final class RedisProxy implements AutoCloseable {
    private final TcpProxy proxy;

    RedisProxy() throws IOException {
        this.proxy = new TcpProxy(6379);
    }

    String url() { return "redis://127.0.0.1:" + proxy.port(); }

    /** Closes every connection and stops listening: Redis is "down". */
    void cut() throws IOException {
        proxy.cut();
    }

    /** Holds back Redis's answers (the commands still reach it and run). */
    void pauseReplies() {
        proxy.pauseReplies();
    }

    void resumeReplies() {
        proxy.resumeReplies();
    }

    /** Listens again on the same port: Redis is back. */
    void restore() throws IOException {
        proxy.restore();
    }

    @Override
    public void close() throws IOException {
        proxy.close();
    }
}
