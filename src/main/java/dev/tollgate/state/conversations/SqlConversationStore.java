package dev.tollgate.state.conversations;

import dev.tollgate.state.NewestFirst;
import dev.tollgate.state.Page;
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
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The {@code conversations} and {@code conversation_items} tables (db/012_conversations.sql), on SQLite or PostgreSQL. */
public final class SqlConversationStore implements ConversationStore {
    private static final String COLUMNS = "id, account_id, title, metadata, item_count, created_at, updated_at";
    private final Database db;

    public SqlConversationStore(Database db) {
        this.db = db;
    }

    @Override
    public void create(Conversation conv, List<ObjectNode> items) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO conversations (id, account_id, title, metadata, "
                    + "next_seq, item_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, conv.id());
                ps.setString(2, conv.accountId());
                text(ps, 3, conv.title());
                ps.setString(4, text(conv.metadata()));
                ps.setLong(5, items.size());
                ps.setLong(6, items.size());
                ps.setLong(7, conv.createdAtMs());
                ps.setLong(8, conv.updatedAtMs());
                ps.executeUpdate();
                insertItems(c, conv.id(), 0, items, conv.createdAtMs());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (db.dialect().isUniqueViolation(e)) throw new DuplicateItemException(conv.id());
            throw new StoreException("create conversation", e);
        }
    }

    @Override
    public Optional<Conversation> find(String accountId, String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM conversations WHERE id = ? AND account_id = ?")) {
            ps.setString(1, id);
            ps.setString(2, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(conversation(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("read conversation", e);
        }
    }

    @Override
    public Page<Conversation> list(String accountId, String afterId, int limit) {
        Conversation after = null;
        if (afterId != null) {
            after = find(accountId, afterId).orElse(null);
            if (after == null) return new Page<>(List.of(), false);
        }
        return NewestFirst.page(db, "conversations", COLUMNS, accountId, after == null ? 0 : after.createdAtMs(),
                after == null ? null : after.id(), limit, SqlConversationStore::conversation);
    }

    @Override
    public boolean update(String accountId, String id, ObjectNode metadata, String title, long nowMs) {
        StringBuilder sql = new StringBuilder("UPDATE conversations SET updated_at = ?");
        if (metadata != null) sql.append(", metadata = ?");
        if (title != null) sql.append(", title = ?");
        sql.append(" WHERE id = ? AND account_id = ?");
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setLong(i++, nowMs);
            if (metadata != null) ps.setString(i++, text(metadata));
            if (title != null) ps.setString(i++, title);
            ps.setString(i++, id);
            ps.setString(i, accountId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("update conversation", e);
        }
    }

    @Override
    public boolean titleIfUnset(String accountId, String id, String title, long nowMs) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE conversations SET title = ?, updated_at = ? WHERE id = ? AND account_id = ? AND title IS NULL")) {
            ps.setString(1, title);
            ps.setLong(2, nowMs);
            ps.setString(3, id);
            ps.setString(4, accountId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("title conversation", e);
        }
    }

    @Override
    public boolean delete(String accountId, String id) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                boolean deleted;
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM conversations WHERE id = ? AND account_id = ?")) {
                    ps.setString(1, id);
                    ps.setString(2, accountId);
                    deleted = ps.executeUpdate() == 1;
                }
                if (deleted) { // the owner is checked above: items carry no account of their own
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM conversation_items WHERE conversation_id = ?")) {
                        ps.setString(1, id);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                return deleted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("delete conversation", e);
        }
    }

    @Override
    public boolean append(String accountId, String id, List<ObjectNode> items, long nowMs) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                // the UPDATE takes the row (PostgreSQL) or the write lock (SQLite) first: appends never share a seq
                try (PreparedStatement ps = c.prepareStatement("UPDATE conversations SET next_seq = next_seq + ?, "
                        + "item_count = item_count + ?, updated_at = ? WHERE id = ? AND account_id = ?")) {
                    ps.setLong(1, items.size());
                    ps.setLong(2, items.size());
                    ps.setLong(3, nowMs);
                    ps.setString(4, id);
                    ps.setString(5, accountId);
                    if (ps.executeUpdate() != 1) {
                        c.rollback();
                        return false;
                    }
                }
                long next;
                try (PreparedStatement ps = c.prepareStatement("SELECT next_seq FROM conversations WHERE id = ?")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        next = rs.getLong(1);
                    }
                }
                insertItems(c, id, next - items.size(), items, nowMs);
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (db.dialect().isUniqueViolation(e)) throw new DuplicateItemException(id);
            throw new StoreException("append conversation items", e);
        }
    }

    @Override
    public List<ObjectNode> lastItems(String accountId, String id, int max) {
        if (find(accountId, id).isEmpty()) return List.of();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT item FROM conversation_items WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?")) {
            ps.setString(1, id);
            ps.setInt(2, max);
            List<ObjectNode> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(parse(rs.getString(1)));
            }
            Collections.reverse(out);
            return out;
        } catch (SQLException e) {
            throw new StoreException("read conversation items", e);
        }
    }

    @Override
    public Page<ObjectNode> items(String accountId, String id, boolean ascending, String afterId, int limit) {
        if (find(accountId, id).isEmpty()) return new Page<>(List.of(), false);
        try (Connection c = db.connection()) {
            Long afterSeq = null;
            if (afterId != null) {
                afterSeq = seq(c, id, afterId);
                if (afterSeq == null) return new Page<>(List.of(), false);
            }
            String sql = "SELECT item FROM conversation_items WHERE conversation_id = ?"
                    + (afterSeq == null ? "" : ascending ? " AND seq > ?" : " AND seq < ?")
                    + " ORDER BY seq " + (ascending ? "ASC" : "DESC") + " LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, id);
                if (afterSeq != null) ps.setLong(i++, afterSeq);
                ps.setInt(i, limit + 1);
                List<ObjectNode> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(parse(rs.getString(1)));
                }
                boolean more = out.size() > limit;
                return new Page<>(more ? out.subList(0, limit) : out, more);
            }
        } catch (SQLException e) {
            throw new StoreException("list conversation items", e);
        }
    }

    @Override
    public Optional<ObjectNode> item(String accountId, String id, String itemId) {
        if (find(accountId, id).isEmpty()) return Optional.empty();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT item FROM conversation_items WHERE conversation_id = ? AND id = ?")) {
            ps.setString(1, id);
            ps.setString(2, itemId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(parse(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("read conversation item", e);
        }
    }

    @Override
    public boolean deleteItem(String accountId, String id, String itemId, long nowMs) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("UPDATE conversations SET item_count = item_count - 1, "
                        + "updated_at = ? WHERE id = ? AND account_id = ?")) {
                    ps.setLong(1, nowMs);
                    ps.setString(2, id);
                    ps.setString(3, accountId);
                    if (ps.executeUpdate() != 1) {
                        c.rollback();
                        return false;
                    }
                }
                int deleted;
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM conversation_items WHERE conversation_id = ? AND id = ?")) {
                    ps.setString(1, id);
                    ps.setString(2, itemId);
                    deleted = ps.executeUpdate();
                }
                if (deleted != 1) {
                    c.rollback();
                    return false;
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("delete conversation item", e);
        }
    }

    private static Long seq(Connection c, String id, String itemId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM conversation_items WHERE conversation_id = ? AND id = ?")) {
            ps.setString(1, id);
            ps.setString(2, itemId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static void insertItems(Connection c, String id, long firstSeq, List<ObjectNode> items, long nowMs)
            throws SQLException {
        if (items.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO conversation_items (conversation_id, seq, id, item, created_at) VALUES (?, ?, ?, ?, ?)")) {
            long seq = firstSeq;
            for (ObjectNode item : items) {
                ps.setString(1, id);
                ps.setLong(2, seq++);
                ps.setString(3, item.path("id").asText());
                ps.setString(4, text(item));
                ps.setLong(5, nowMs);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static Conversation conversation(ResultSet rs) throws SQLException {
        return new Conversation(rs.getString(1), rs.getString(2), rs.getString(3), parse(rs.getString(4)), rs.getLong(5),
                rs.getLong(6), rs.getLong(7));
    }

    private static void text(PreparedStatement ps, int i, String s) throws SQLException {
        if (s == null) ps.setNull(i, Types.VARCHAR);
        else ps.setString(i, s);
    }

    private static String text(JsonNode node) {
        return new String(Json.bytes(node), StandardCharsets.UTF_8);
    }

    private static ObjectNode parse(String text) {
        if (!(Json.parseOrNull(text.getBytes(StandardCharsets.UTF_8)) instanceof ObjectNode node)) {
            throw new StoreException("stored conversation JSON is not an object", null);
        }
        return node;
    }
}
