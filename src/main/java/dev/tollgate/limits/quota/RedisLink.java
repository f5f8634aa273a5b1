package dev.tollgate.limits.quota;

import dev.tollgate.store.RedisConnector;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;

/**
 * One multiplexed Lettuce connection that runs the quota scripts by SHA (the script text crosses
 * the wire only when Redis does not know it yet, e.g. after a Redis restart). Commands fail fast
 * while disconnected; after a failed connect, calls fail at once for a second instead of each waiting
 * on a connect ({@link RedisConnector}).
 */
final class RedisLink implements AutoCloseable {
    private final RedisConnector<String> redis;

    RedisLink(String url, Duration commandTimeout) {
        // real time: the injected clock is business time (months), not the reconnect pause
        this.redis = new RedisConnector<>(url, commandTimeout, StringCodec.UTF8, () -> System.nanoTime() / 1_000_000);
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

    private StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> c = redis.connection();
        if (c == null) throw new IllegalStateException("Redis unreachable (waiting to reconnect)");
        return c;
    }

    @Override
    public void close() {
        redis.close();
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
