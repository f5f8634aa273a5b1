package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first start shows only Tollgate's own lines: no Helidon "no logging implementation" line, and
 * with Redis configured no netty sun.misc.Unsafe warning, given the flags the launcher adds.
 */
class QuietStartTest {
    @TempDir
    Path dir;

    @Test
    void theDemoStartsWithTollgatesOwnLinesOnly() throws Exception {
        List<String> lines = startAndRead(List.of(), "Try it:");
        assertThat(lines.get(0)).startsWith("Tollgate listening on http://127.0.0.1:");
        assertThat(String.join("\n", lines)).doesNotContain("Helidon").doesNotContain("WARNING").doesNotContain("SEVERE");
    }

    @Test
    void withRedisNettyDoesNotWarnUnderTheLaunchersFlags() throws Exception {
        String demo = new String(QuietStartTest.class.getResourceAsStream("/demo-config.yaml").readAllBytes(), StandardCharsets.UTF_8);
        Path config = dir.resolve("redis.yaml");
        Files.writeString(config, demo + "\nredis: redis://127.0.0.1:6379\n");
        List<String> lines = startAndRead(List.of("--config", config.toString()), "Admin token");
        assertThat(lines.get(0)).startsWith("Tollgate listening on http://127.0.0.1:");
        assertThat(String.join("\n", lines)).doesNotContain("sun.misc.Unsafe").doesNotContain("Helidon");
    }

    /** Runs serve in its own JVM with the launcher's flags; returns its output up to {@code until}, then stops it. */
    List<String> startAndRead(List<String> args, String until) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) cmd.add("--sun-misc-unsafe-memory-access=allow"); // as ./tollgate does
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.tollgate.Tollgate", "serve",
                "--data", dir.resolve("data").toString(), "--port", "0"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        CompletableFuture<Void> seen = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.startsWith(until)) seen.complete(null);
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
            seen.completeExceptionally(new IllegalStateException("serve ended before '" + until + "': " + lines));
        });
        try {
            seen.get(60, TimeUnit.SECONDS);
            synchronized (lines) {
                return List.copyOf(lines);
            }
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
