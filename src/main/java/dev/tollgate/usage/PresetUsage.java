package dev.tollgate.usage;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One account's use of one preset, by version (docs/presets.md "Usage"). Unlike the other analytics reads (rollups
 * only), this reads the usage events themselves (so it sees what retention kept): one range of the partial index
 * {@code usage_events_preset} (account, preset, time; events without a preset are not in it), so it costs what the
 * preset's own traffic costs and the writer pays nothing for requests without a preset.
 */
public final class PresetUsage {
    /** The counters of one preset version; costs in µcr. */
    public record Version(int version, long requests, long failed, long inputTokens, long outputTokens, long costMicros) {}

    private final Database db;

    public PresetUsage(Database db) {
        this.db = db;
    }

    /** {@code accountId}'s requests with preset {@code slug} since {@code fromMs}, newest version first. */
    public List<Version> byVersion(String accountId, String slug, long fromMs) {
        String sql = "SELECT preset_version, COUNT(*), SUM(CASE WHEN status >= 400 OR error_code IS NOT NULL THEN 1 ELSE 0 END), "
                + "SUM(input_tokens), SUM(output_tokens), SUM(cost_micros) FROM usage_events "
                + "WHERE account_id = ? AND preset = ? AND created_at >= ? GROUP BY preset_version ORDER BY preset_version DESC";
        List<Version> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, accountId);
            ps.setString(2, slug);
            ps.setLong(3, fromMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Version(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("read preset usage", e);
        }
        return out;
    }
}
