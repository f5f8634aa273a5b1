package dev.tollgate.account;

import dev.tollgate.store.Database;
import dev.tollgate.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Every account, by name, a page at a time: the operator's list (GET /admin/accounts). */
public final class AccountDirectory {
    private final Database db;

    public AccountDirectory(Database db) {
        this.db = db;
    }

    /** Up to {@code limit} accounts whose name sorts after {@code afterName} (null: from the start), by name. */
    public List<Account> page(int limit, String afterName) {
        String sql = "SELECT id, name, plan, created_at FROM accounts"
                + (afterName == null ? "" : " WHERE name > ?") + " ORDER BY name LIMIT ?";
        List<Account> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (afterName != null) ps.setString(i++, afterName);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Account(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
            }
        } catch (SQLException e) {
            throw new StoreException("list accounts", e);
        }
        return out;
    }
}
