package dev.tollgate.state.presets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code presets} table (db/011_presets.sql), on SQLite or PostgreSQL. */
public final class SqlPresetStore implements PresetStore {
    private static final String COLUMNS = "account_id, slug, name, model, system_prompt, params, is_public, version, "
            + "created_at, updated_at";
    /** A bound on one listing: plans allow at most a few hundred own presets; public ones beyond this are not listed. */
    private static final int LIST_MAX = 1_000;

    private final Database db;

    public SqlPresetStore(Database db) {
        this.db = db;
    }

    @Override
    public boolean create(Preset p) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO presets (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, p.accountId());
            ps.setString(2, p.slug());
            ps.setString(3, p.name());
            ps.setString(4, p.model());
            ps.setString(5, p.systemPrompt());
            ps.setString(6, text(p.params()));
            ps.setInt(7, p.isPublic() ? 1 : 0);
            ps.setInt(8, p.version());
            ps.setLong(9, p.createdAtMs());
            ps.setLong(10, p.updatedAtMs());
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (db.dialect().isUniqueViolation(e)) return false;
            throw new StoreException("create preset", e);
        }
    }

    @Override
    public Optional<Preset> visible(String accountId, String slug) {
        Optional<Preset> own = own(accountId, slug);
        if (own.isPresent()) return own;
        List<Preset> shared = query("SELECT " + COLUMNS + " FROM presets WHERE slug = ? AND is_public = 1 "
                + "ORDER BY created_at, account_id LIMIT 1", slug);
        return shared.stream().findFirst();
    }

    @Override
    public Optional<Preset> own(String accountId, String slug) {
        return query("SELECT " + COLUMNS + " FROM presets WHERE account_id = ? AND slug = ?", accountId, slug)
                .stream().findFirst();
    }

    @Override
    public List<Preset> list(String accountId) {
        List<Preset> out = new ArrayList<>(query("SELECT " + COLUMNS + " FROM presets WHERE account_id = ? "
                + "ORDER BY slug LIMIT " + LIST_MAX, accountId));
        out.addAll(query("SELECT " + COLUMNS + " FROM presets WHERE account_id <> ? AND is_public = 1 "
                + "ORDER BY slug, created_at LIMIT " + LIST_MAX, accountId));
        return out;
    }

    @Override
    public int count(String accountId) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM presets WHERE account_id = ?")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new StoreException("count presets", e);
        }
    }

    @Override
    public boolean update(Preset p, int expectedVersion) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE presets SET name = ?, model = ?, system_prompt = ?, "
                     + "params = ?, is_public = ?, version = ?, updated_at = ? WHERE account_id = ? AND slug = ? AND version = ?")) {
            ps.setString(1, p.name());
            ps.setString(2, p.model());
            ps.setString(3, p.systemPrompt());
            ps.setString(4, text(p.params()));
            ps.setInt(5, p.isPublic() ? 1 : 0);
            ps.setInt(6, p.version());
            ps.setLong(7, p.updatedAtMs());
            ps.setString(8, p.accountId());
            ps.setString(9, p.slug());
            ps.setInt(10, expectedVersion);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("update preset", e);
        }
    }

    @Override
    public boolean delete(String accountId, String slug) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM presets WHERE account_id = ? AND slug = ?")) {
            ps.setString(1, accountId);
            ps.setString(2, slug);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("delete preset", e);
        }
    }

    private List<Preset> query(String sql, String... args) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setString(i + 1, args[i]);
            List<Preset> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Preset(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            params(rs.getString(6)), rs.getInt(7) == 1, rs.getInt(8), rs.getLong(9), rs.getLong(10)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("read presets", e);
        }
    }

    private static String text(JsonNode node) {
        return new String(Json.bytes(node), StandardCharsets.UTF_8);
    }

    private static ObjectNode params(String text) {
        JsonNode node = Json.parseOrNull(text.getBytes(StandardCharsets.UTF_8));
        if (node == null || !node.isObject()) throw new StoreException("stored preset params are not a JSON object", null);
        return (ObjectNode) node;
    }
}
