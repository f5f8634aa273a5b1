package dev.tollgate.limits.quota;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;

/**
 * One multiplexed Lettuce connection that runs the quota scripts by SHA (the script text crosses
 * the wire only when Redis does not know it yet, e.g. after a Redis restart). Commands fail fast
 * while disconnected; after a failed connect, calls fail at once for {@value #RECONNECT_EVERY_MS} ms
 * instead of each waiting on a connect (real time: the injected clock is business time).
 */
final class RedisLink implements AutoCloseable {
    private static final long RECONNECT_EVERY_MS = 1_000;

    private final RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private long nextConnectNs = System.nanoTime();

    RedisLink(String url, Duration commandTimeout) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(commandTimeout);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
    }

    /** Runs {@code script} atomically; an integer array answer. Throws when Redis cannot be reached. */
    List<Long> eval(Script script, String[] keys, String... args) {
        StatefulRedisConnection<String, String> c = connection();
        try {
            return c.sync().evalsha(script.sha, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            return c.sync().eval(script.text, ScriptOutputType.MULTI, keys, args); // caches it again
        }
    }

    /** Values of hash fields (null where absent), one round trip. */
    List<io.lettuce.core.KeyValue<String, String>> hmget(String key, String... fields) {
        return connection().sync().hmget(key, fields);
    }

    private synchronized StatefulRedisConnection<String, String> connection() {
        if (connection != null) return connection;
        if (System.nanoTime() - nextConnectNs < 0) throw new IllegalStateException("Redis unreachable (waiting to reconnect)");
        try {
            connection = client.connect();
        } catch (RuntimeException e) {
            nextConnectNs = System.nanoTime() + RECONNECT_EVERY_MS * 1_000_000;
            throw e;
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (connection != null) connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /** A script and its SHA-1 (what EVALSHA names it by). */
    record Script(String text, String sha) {
        static Script of(String text) {
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return new Script(text, java.util.HexFormat.of().formatHex(d));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
