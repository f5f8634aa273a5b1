package dev.tollgate.state.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;

/** The {@code responses} table (db/010_responses.sql), on SQLite or PostgreSQL. */
public final class SqlResponseStore implements ResponseStore {
    private final Database db;

    public SqlResponseStore(Database db) {
        this.db = db;
    }

    @Override
    public void save(StoredResponse r) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO responses "
                     + "(id, account_id, previous_response_id, created_at, input, response) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.id());
            ps.setString(2, r.accountId());
            if (r.previousResponseId() == null) ps.setNull(3, Types.VARCHAR);
            else ps.setString(3, r.previousResponseId());
            ps.setLong(4, r.createdAtMs());
            ps.setString(5, text(r.input()));
            ps.setString(6, text(r.response()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("save response", e);
        }
    }

    @Override
    public Optional<StoredResponse> find(String accountId, String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT previous_response_id, created_at, input, response "
                     + "FROM responses WHERE id = ? AND account_id = ?")) {
            ps.setString(1, id);
            ps.setString(2, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new StoredResponse(id, accountId, rs.getString(1), rs.getLong(2),
                        (ArrayNode) parse(rs.getString(3)), (ObjectNode) parse(rs.getString(4))));
            }
        } catch (SQLException e) {
            throw new StoreException("read response", e);
        }
    }

    @Override
    public boolean delete(String accountId, String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM responses WHERE id = ? AND account_id = ?")) {
            ps.setString(1, id);
            ps.setString(2, accountId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("delete response", e);
        }
    }

    private static String text(JsonNode node) {
        return new String(Json.bytes(node), StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String text) {
        JsonNode node = Json.parseOrNull(text.getBytes(StandardCharsets.UTF_8));
        if (node == null) throw new StoreException("stored response is not JSON", null);
        return node;
    }
}
