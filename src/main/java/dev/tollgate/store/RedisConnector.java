package dev.tollgate.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One lazily opened, multiplexed Lettuce connection, as every Redis user of the gateway needs it
 * (provider rpm, rate limits, quotas, the response cache): every command bounded by
 * {@code commandTimeout}, commands refused at once while disconnected, and after a failed connect no
 * new attempt for {@value #RECONNECT_EVERY_MS} ms, so a Redis outage costs requests nothing but a check.
 */
public final class RedisConnector<V> implements AutoCloseable {
    static final long RECONNECT_EVERY_MS = 1_000;

    private final RedisClient client;
    private final RedisCodec<String, V> codec;
    private final LongSupplier nowMs;
    private StatefulRedisConnection<String, V> connection;
    private long nextConnectMs = Long.MIN_VALUE;

    /** @param nowMs the time the reconnect pause is measured on (a test clock, or real time) */
    public RedisConnector(String url, Duration commandTimeout, RedisCodec<String, V> codec, LongSupplier nowMs) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(commandTimeout);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        this.codec = codec;
        this.nowMs = nowMs;
    }

    /**
     * The connection, opened on first use; null while pausing after a failed connect.
     *
     * @throws RuntimeException when connecting fails now (the pause starts)
     */
    public synchronized StatefulRedisConnection<String, V> connection() {
        if (connection != null) return connection;
        if (nowMs.getAsLong() < nextConnectMs) return null;
        try {
            connection = client.connect(codec);
        } catch (RuntimeException e) {
            nextConnectMs = nowMs.getAsLong() + RECONNECT_EVERY_MS;
            throw e;
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (connection != null) connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
