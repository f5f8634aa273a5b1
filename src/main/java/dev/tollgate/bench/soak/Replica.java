package dev.tollgate.bench.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code tollgate serve} process of the soak, with its log file; kill -9 and start again on the same data. */
final class Replica {
    private static final Pattern LISTENING = Pattern.compile("Tollgate listening on (http://\\S+)");

    final int index;
    private final Path config;
    private final Path dir;
    private final String adminToken;
    private volatile Process process;
    private volatile String baseUrl;
    private int starts;
    /** A key on a plan with a quota: one request with it touches the store, Redis limits and quotas. */
    volatile String warmUpKey;

    Replica(int index, Path config, Path dir, String adminToken) {
        this.index = index;
        this.config = config;
        this.dir = dir;
        this.adminToken = adminToken;
    }

    /** Starts the process and waits until it listens; its port is new on every start. */
    void start() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path log = dir.resolve("gateway-" + (++starts) + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) cmd.add("--sun-misc-unsafe-memory-access=allow");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.tollgate.Tollgate", "serve",
                "--config", config.toString(), "--data", dir.toString(), "--port", "0", "--drain-timeout-ms", "5000"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TOLLGATE_ADMIN_TOKEN", adminToken);
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = LISTENING.matcher(out);
            if (m.find()) {
                process = p;
                warmUp(m.group(1), deadline);
                baseUrl = m.group(1); // only now does the balancer send it traffic
                return;
            }
            if (!p.isAlive()) throw new IllegalStateException("replica " + index + " exited before listening:\n" + out);
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("replica " + index + " did not listen within 90 s; see " + log);
    }

    /**
     * Like a balancer's slow start: a cold JVM on a busy machine can take longer than the Redis timeout
     * for its first Redis connect, and quotas fail closed meanwhile (docs/operations.md); so a (re)started
     * replica gets traffic only after one request went through every layer.
     */
    private void warmUp(String base, long deadlineNs) throws IOException, InterruptedException {
        String key = warmUpKey;
        if (key == null) return;
        var http = java.net.http.HttpClient.newHttpClient();
        String body = "{\"model\":\"ok\",\"messages\":[{\"role\":\"user\",\"content\":\"warm up\"}]}";
        while (System.nanoTime() < deadlineNs) {
            var res = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() == 200) return;
            Thread.sleep(250);
        }
        throw new IllegalStateException("replica " + index + " did not answer a warm-up request in time");
    }

    /** Warms a replica that is already serving (the first start happens before the soak's accounts exist). */
    void warmUpNow() throws IOException, InterruptedException {
        warmUp(baseUrl, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
    }

    /** kill -9: no shutdown hook, no drain; whatever it had in flight is cut. */
    void kill9() throws InterruptedException {
        Process p = process;
        baseUrl = null;
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: drain, flush, exit. */
    void stop() throws InterruptedException {
        Process p = process;
        if (p == null) return;
        baseUrl = null;
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
    }

    /** Null while the replica is down. */
    String baseUrl() { return baseUrl; }

    long pid() { return process.pid(); }
}
