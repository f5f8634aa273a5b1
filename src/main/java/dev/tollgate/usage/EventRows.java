package dev.tollgate.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Raw {@code usage_events} rows: the batch insert of the writer and the bounded deletes of retention. */
final class EventRows {
    private EventRows() {}

    private static final String INSERT = "INSERT INTO usage_events (id, request_id, created_at, account_id, key_id, "
            + "end_user, tags, endpoint, requested_model, model, provider, upstream_model, calls, fallback, attempts, "
            + "task, task_declared, complexity, status, error_code, input_tokens, output_tokens, cached_tokens, "
            + "cache_write_tokens, reasoning_tokens, cost_micros, cache_savings_micros, cache_hit, streamed, "
            + "latency_ms, ttfb_ms, conversation_id, preset, preset_version) ";
    static final int COLUMNS = 34;
    /** Multi-row statements of 64 events (2,176 parameters): see {@link Rollups#ROWS_PER_STATEMENT}. */
    static final int ROWS_PER_STATEMENT = 64;

    static void insert(Connection c, List<UsageEvent> events) throws SQLException {
        MultiRow.write(c, INSERT, "", COLUMNS, ROWS_PER_STATEMENT, events, EventRows::bind);
    }

    /** Binds one event whose first parameter is at {@code base} + 1. */
    static void bind(PreparedStatement ps, int base, UsageEvent e) throws SQLException {
        int i = base + 1;
        ps.setString(i++, e.id());
        ps.setString(i++, e.requestId());
        ps.setLong(i++, e.createdAtMs());
        ps.setString(i++, e.accountId());
        text(ps, i++, e.keyId());
        text(ps, i++, e.endUser());
        text(ps, i++, e.tags());
        ps.setString(i++, e.endpoint());
        text(ps, i++, e.requestedModel());
        text(ps, i++, e.model());
        text(ps, i++, e.provider());
        text(ps, i++, e.upstreamModel());
        ps.setInt(i++, e.calls());
        ps.setInt(i++, e.fallback() ? 1 : 0);
        text(ps, i++, e.attempts());
        text(ps, i++, e.task());
        ps.setInt(i++, e.taskDeclared() ? 1 : 0);
        text(ps, i++, e.complexity());
        ps.setInt(i++, e.status());
        text(ps, i++, e.errorCode());
        ps.setLong(i++, e.inputTokens());
        ps.setLong(i++, e.outputTokens());
        ps.setLong(i++, e.cachedTokens());
        ps.setLong(i++, e.cacheWriteTokens());
        ps.setLong(i++, e.reasoningTokens());
        ps.setLong(i++, e.costMicros());
        ps.setLong(i++, e.cacheSavingsMicros());
        ps.setInt(i++, e.cacheHit() ? 1 : 0);
        ps.setInt(i++, e.streamed() ? 1 : 0);
        ps.setLong(i++, e.latencyMs());
        ps.setLong(i++, e.ttfbMs());
        text(ps, i++, e.conversationId());
        text(ps, i++, e.preset());
        if (e.preset() == null) ps.setNull(i, Types.INTEGER);
        else ps.setInt(i, e.presetVersion());
    }

    /**
     * Deletes at most {@code limit} events created before {@code beforeMs}, oldest first, in one
     * statement (portable: neither store needs DELETE ... LIMIT); returns how many went.
     */
    static int deleteOlderThan(Connection c, long beforeMs, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM usage_events WHERE id IN (SELECT id FROM usage_events "
                + "WHERE created_at < ? ORDER BY created_at LIMIT ?)")) {
            ps.setLong(1, beforeMs);
            ps.setInt(2, limit);
            return ps.executeUpdate();
        }
    }

    private static void text(PreparedStatement ps, int i, String s) throws SQLException {
        if (s == null) ps.setNull(i, Types.VARCHAR);
        else ps.setString(i, s);
    }
}
