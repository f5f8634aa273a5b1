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

/**
 * The {@code conversations} and {@code conversation_items} tables (db/012_conversations.sql), on SQLite or PostgreSQL.
 * Every statement goes through {@link #update}/{@link #query} and every call through {@link #connected} or
 * {@link #transaction}, so binding, reading and error mapping are written once.
 */
public final class SqlConversationStore implements ConversationStore {
    private static final String COLUMNS = "id, account_id, title, metadata, item_count, created_at, updated_at";
    private final Database db;

    public SqlConversationStore(Database db) {
        this.db = db;
    }

    @Override
    public void create(Conversation conv, List<ObjectNode> items) {
        transaction("create conversation", conv.id(), c -> {
            update(c, "INSERT INTO conversations (id, account_id, title, metadata, next_seq, item_count, created_at, "
                            + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", conv.id(), conv.accountId(), conv.title(),
                    text(conv.metadata()), (long) items.size(), (long) items.size(), conv.createdAtMs(), conv.updatedAtMs());
            insertItems(c, conv.id(), 0, items, conv.createdAtMs());
            return null;
        });
    }

    @Override
    public Optional<Conversation> find(String accountId, String id) {
        return connected("read conversation", c -> first(query(c, "SELECT " + COLUMNS
                + " FROM conversations WHERE id = ? AND account_id = ?", SqlConversationStore::conversation, id, accountId)));
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
        List<Object> params = new ArrayList<>(List.of(nowMs));
        if (metadata != null) {
            sql.append(", metadata = ?");
            params.add(text(metadata));
        }
        if (title != null) {
            sql.append(", title = ?");
            params.add(title);
        }
        sql.append(" WHERE id = ? AND account_id = ?");
        params.add(id);
        params.add(accountId);
        return connected("update conversation", c -> update(c, sql.toString(), params.toArray()) == 1);
    }

    @Override
    public boolean titleIfUnset(String accountId, String id, String title, long nowMs) {
        return connected("title conversation", c -> update(c, "UPDATE conversations SET title = ?, updated_at = ? "
                + "WHERE id = ? AND account_id = ? AND title IS NULL", title, nowMs, id, accountId) == 1);
    }

    @Override
    public boolean delete(String accountId, String id) {
        return transaction("delete conversation", id, c -> {
            boolean deleted = update(c, "DELETE FROM conversations WHERE id = ? AND account_id = ?", id, accountId) == 1;
            // the owner is checked above: items carry no account of their own
            if (deleted) update(c, "DELETE FROM conversation_items WHERE conversation_id = ?", id);
            return deleted;
        });
    }

    @Override
    public boolean append(String accountId, String id, List<ObjectNode> items, long nowMs) {
        return transaction("append conversation items", id, c -> {
            // the UPDATE takes the row (PostgreSQL) or the write lock (SQLite) first: appends never share a seq
            if (update(c, "UPDATE conversations SET next_seq = next_seq + ?, item_count = item_count + ?, updated_at = ? "
                    + "WHERE id = ? AND account_id = ?", (long) items.size(), (long) items.size(), nowMs, id, accountId) != 1) {
                return false;
            }
            long next = query(c, "SELECT next_seq FROM conversations WHERE id = ?", rs -> rs.getLong(1), id).get(0);
            insertItems(c, id, next - items.size(), items, nowMs);
            return true;
        });
    }

    @Override
    public List<ObjectNode> lastItems(String accountId, String id, int max) {
        if (find(accountId, id).isEmpty()) return List.of();
        List<ObjectNode> out = connected("read conversation items", c -> query(c,
                "SELECT item FROM conversation_items WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?", ITEM, id, max));
        Collections.reverse(out);
        return out;
    }

    @Override
    public Page<ObjectNode> items(String accountId, String id, boolean ascending, String afterId, int limit) {
        if (find(accountId, id).isEmpty()) return new Page<>(List.of(), false);
        return connected("list conversation items", c -> {
            Long afterSeq = null;
            if (afterId != null) {
                afterSeq = seq(c, id, afterId);
                if (afterSeq == null) return new Page<>(List.of(), false);
            }
            String sql = "SELECT item FROM conversation_items WHERE conversation_id = ?"
                    + (afterSeq == null ? "" : ascending ? " AND seq > ?" : " AND seq < ?")
                    + " ORDER BY seq " + (ascending ? "ASC" : "DESC") + " LIMIT ?";
            List<ObjectNode> out = afterSeq == null ? query(c, sql, ITEM, id, limit + 1)
                    : query(c, sql, ITEM, id, afterSeq, limit + 1);
            boolean more = out.size() > limit;
            return new Page<>(more ? out.subList(0, limit) : out, more);
        });
    }

    @Override
    public Optional<ObjectNode> item(String accountId, String id, String itemId) {
        if (find(accountId, id).isEmpty()) return Optional.empty();
        return connected("read conversation item", c -> first(query(c,
                "SELECT item FROM conversation_items WHERE conversation_id = ? AND id = ?", ITEM, id, itemId)));
    }

    @Override
    public boolean deleteItem(String accountId, String id, String itemId, long nowMs) {
        return transaction("delete conversation item", id, c -> {
            if (update(c, "UPDATE conversations SET item_count = item_count - 1, updated_at = ? WHERE id = ? AND account_id = ?",
                    nowMs, id, accountId) != 1) {
                return false;
            }
            if (update(c, "DELETE FROM conversation_items WHERE conversation_id = ? AND id = ?", id, itemId) != 1) {
                c.rollback(); // the count went down for an item that was not there
                return false;
            }
            return true;
        });
    }

    private static Long seq(Connection c, String id, String itemId) throws SQLException {
        return first(query(c, "SELECT seq FROM conversation_items WHERE conversation_id = ? AND id = ?",
                rs -> rs.getLong(1), id, itemId)).orElse(null);
    }

    private static void insertItems(Connection c, String id, long firstSeq, List<ObjectNode> items, long nowMs)
            throws SQLException {
        if (items.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO conversation_items (conversation_id, seq, id, item, created_at) VALUES (?, ?, ?, ?, ?)")) {
            long seq = firstSeq;
            for (ObjectNode item : items) {
                bind(ps, id, seq++, item.path("id").asText(), text(item), nowMs);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Work on one connection; SQL failures are the store's. */
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final NewestFirst.Row<ObjectNode> ITEM = rs -> parse(rs.getString(1));

    private <T> T connected(String what, Work<T> work) {
        try (Connection c = db.connection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(what, e);
        }
    }

    /**
     * {@code work} in one transaction, committed when it returns (after its own rollback that commits nothing),
     * rolled back when it throws. A unique violation is an item id already there (or a conversation id taken).
     */
    private <T> T transaction(String what, String id, Work<T> work) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (db.dialect().isUniqueViolation(e)) throw new DuplicateItemException(id);
            throw new StoreException(what, e);
        }
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    private static <T> List<T> query(Connection c, String sql, NewestFirst.Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row.read(rs));
            }
            return out;
        }
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Strings, longs and ints in order; null is a NULL text (the only nullable column bound is the title). */
    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            switch (params[i]) {
                case null -> ps.setNull(i + 1, Types.VARCHAR);
                case String s -> ps.setString(i + 1, s);
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                default -> throw new IllegalArgumentException("cannot bind " + params[i].getClass());
            }
        }
    }

    private static Conversation conversation(ResultSet rs) throws SQLException {
        return new Conversation(rs.getString(1), rs.getString(2), rs.getString(3), parse(rs.getString(4)), rs.getLong(5),
                rs.getLong(6), rs.getLong(7));
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
