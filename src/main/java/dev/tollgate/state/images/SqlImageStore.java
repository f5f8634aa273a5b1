package dev.tollgate.state.images;

import dev.tollgate.state.NewestFirst;
import dev.tollgate.state.Page;
import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code images} table (db/013_images.sql), on SQLite or PostgreSQL. */
public final class SqlImageStore implements ImageStore {
    private static final String COLUMNS = "id, account_id, request_id, model, prompt, revised_prompt, size, quality, "
            + "content_type, byte_count, url, created_at";
    private final Database db;

    public SqlImageStore(Database db) {
        this.db = db;
    }

    @Override
    public int save(StoredImage image, byte[] data, long maxBytesPerAccount) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                insert(c, image, data);
                int evicted = evict(c, image.accountId(), maxBytesPerAccount);
                c.commit();
                return evicted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("save image", e);
        }
    }

    private static void insert(Connection c, StoredImage i, byte[] data) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (" + COLUMNS + ", data) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, i.id());
            ps.setString(2, i.accountId());
            ps.setString(3, i.requestId());
            ps.setString(4, i.model());
            ps.setString(5, i.prompt());
            text(ps, 6, i.revisedPrompt());
            text(ps, 7, i.size());
            text(ps, 8, i.quality());
            text(ps, 9, i.contentType());
            ps.setLong(10, i.byteCount());
            text(ps, 11, i.url());
            ps.setLong(12, i.createdAtMs());
            if (data == null) ps.setNull(13, Types.BINARY);
            else ps.setBytes(13, data);
            ps.executeUpdate();
        }
    }

    /** Deletes the oldest images of the account, one at a time, while its kept bytes exceed the bound. */
    private static int evict(Connection c, String accountId, long maxBytes) throws SQLException {
        long total;
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(byte_count), 0) FROM images WHERE account_id = ?")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
        }
        if (total <= maxBytes) return 0;
        List<String> doomed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, byte_count FROM images WHERE account_id = ? "
                + "AND byte_count > 0 ORDER BY created_at, id")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                while (total > maxBytes && rs.next()) {
                    doomed.add(rs.getString(1));
                    total -= rs.getLong(2);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM images WHERE id = ?")) {
            for (String id : doomed) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return doomed.size();
    }

    @Override
    public Page<StoredImage> list(String accountId, String afterId, int limit) {
        StoredImage after = null;
        if (afterId != null) {
            after = find(accountId, afterId).orElse(null);
            if (after == null) return new Page<>(List.of(), false);
        }
        return NewestFirst.page(db, "images", COLUMNS, accountId, after == null ? 0 : after.createdAtMs(),
                after == null ? null : after.id(), limit, SqlImageStore::image);
    }

    @Override
    public Optional<StoredImage> find(String accountId, String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM images WHERE id = ? AND account_id = ?")) {
            ps.setString(1, id);
            ps.setString(2, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(image(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("read image", e);
        }
    }

    @Override
    public Optional<byte[]> data(String accountId, String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT data FROM images WHERE id = ? AND account_id = ?")) {
            ps.setString(1, id);
            ps.setString(2, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("read image data", e);
        }
    }

    @Override
    public boolean delete(String accountId, String id) {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM images WHERE id = ? AND account_id = ?")) {
            ps.setString(1, id);
            ps.setString(2, accountId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("delete image", e);
        }
    }

    private static StoredImage image(ResultSet rs) throws SQLException {
        return new StoredImage(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getLong(10), rs.getString(11),
                rs.getLong(12));
    }

    private static void text(PreparedStatement ps, int i, String s) throws SQLException {
        if (s == null) ps.setNull(i, Types.VARCHAR);
        else ps.setString(i, s);
    }
}
