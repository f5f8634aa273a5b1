package dev.tollgate.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real gateway in its own JVM ({@code tollgate serve}), for tests that need several processes
 * or a kill -9. It listens on a free port, read back from its start-up line.
 */
public final class GatewayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Tollgate listening on (http://\\S+)");

    private final Process process;
    private final String baseUrl;
    private final StringBuffer out;

    private GatewayProcess(Process process, String baseUrl, StringBuffer out) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.out = out;
    }

    public static GatewayProcess start(Path config, Path dataDir, Map<String, String> env) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.tollgate.Tollgate", "serve", "--config", config.toString(), "--data", dataDir.toString(), "--port", "0"));
        pb.environment().putAll(env);
        pb.environment().put("TOLLGATE_ADMIN_TOKEN", TestGateway.ADMIN_TOKEN);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        StringBuffer out = new StringBuffer();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) url.complete(m.group(1));
                }
            } catch (IOException ignored) {
                // the process died; the future below reports it
            }
            url.completeExceptionally(new IllegalStateException("gateway exited before listening:\n" + out));
        });
        return new GatewayProcess(p, url.get(60, TimeUnit.SECONDS), out);
    }

    public String baseUrl() { return baseUrl; }

    public String get(String path, String bearer) {
        return TestGateway.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + bearer).GET().build()).body();
    }

    /** kill -9: no shutdown hook, no drain, whatever was in flight is cut. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM without waiting: the gateway drains and stops on its own (see {@link #exitCode}). */
    public void terminate() {
        process.destroy();
    }

    /** The exit code once the process ended within the timeout, else null. */
    public Integer exitCode(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /**
     * Everything read so far of what the process printed (stdout and stderr). The last lines before an
     * exit may be missing: the JDK drains a dead process's pipe away from a reader blocked on it.
     */
    public String output() { return out.toString(); }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) kill();
    }
}
