package dev.tollgate.bench.soak;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the soak's own (not the machine's shared one), without persistence, so that a
 * restart loses every key, as a Redis restarted without AOF/RDB does.
 */
final class OwnRedis implements AutoCloseable {
    private final String binary;
    private final int port;
    private final Path dir;
    private volatile Process process;

    OwnRedis(String binary, int port, Path dir) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
    }

    String url() { return "redis://127.0.0.1:" + port; }

    int port() { return port; }

    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction", "--dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) throw new IllegalStateException("redis-server exited; see " + dir.resolve("redis.log"));
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port);
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) kill9();
    }
}
