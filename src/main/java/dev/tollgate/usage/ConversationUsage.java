package dev.tollgate.usage;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The usage of one conversation (issue 13's per-conversation cache stats), summed from its usage events through
 * their partial index on {@code conversation_id}: a conversation is a bounded set of events, so no rollup is needed.
 * Events older than {@code usage.retention_days} are gone, and with them their share of these sums.
 */
public final class ConversationUsage {
    /**
     * @param cacheHits          answers served by Tollgate's response cache
     * @param cachedTokens       prompt tokens a provider's prompt cache served
     * @param cacheSavingsMicros what both kinds of caching saved, in µcr
     */
    public record Totals(long requests, long ok, long inputTokens, long outputTokens, long cachedTokens,
                         long costMicros, long cacheHits, long cacheSavingsMicros) {}

    private final Database db;

    public ConversationUsage(Database db) {
        this.db = db;
    }

    public Totals of(String accountId, String conversationId) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), "
                + "COALESCE(SUM(CASE WHEN status < 400 AND error_code IS NULL THEN 1 ELSE 0 END), 0), "
                + "COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), COALESCE(SUM(cached_tokens), 0), "
                + "COALESCE(SUM(cost_micros), 0), COALESCE(SUM(cache_hit), 0), COALESCE(SUM(cache_savings_micros), 0) "
                + "FROM usage_events WHERE conversation_id = ? AND account_id = ?")) {
            ps.setString(1, conversationId);
            ps.setString(2, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                        rs.getLong(7), rs.getLong(8));
            }
        } catch (SQLException e) {
            throw new StoreException("conversation usage", e);
        }
    }
}
