package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Account;
import dev.tollgate.account.AccountDirectory;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.ledger.Ledger;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * {@code GET /admin/accounts?limit=N&after=NAME} (admin token): accounts by name with their balances,
 * {@code next} is the name to pass as {@code after} for the next page (null on the last). The
 * dashboard's account list; names are unique, so a name is a stable cursor.
 */
public final class AccountsList implements Handler {
    private static final int LIMIT_DEFAULT = 20;
    private static final int LIMIT_MAX = 100;

    private final Authenticator auth;
    private final AccountDirectory directory;
    private final Ledger ledger;

    public AccountsList(Authenticator auth, AccountDirectory directory, Ledger ledger) {
        this.auth = auth;
        this.directory = directory;
        this.ledger = ledger;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        int limit = req.query().first("limit").map(AccountsList::limit).orElse(LIMIT_DEFAULT);
        String after = req.query().first("after").filter(s -> !s.isEmpty()).orElse(null);
        List<Account> page = directory.page(limit + 1, after);
        ObjectNode out = Json.object().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (Account a : page.subList(0, Math.min(limit, page.size()))) {
            ObjectNode row = CreditsApi.balanceJson(a.id(), ledger.balance(a.id()));
            row.remove("account");
            data.addObject().put("id", a.id()).put("name", a.name()).put("plan", a.plan())
                    .put("created_at", a.createdAtMs() / 1000).setAll(row);
        }
        if (page.size() > limit) out.put("next", page.get(limit - 1).name());
        else out.putNull("next");
        Admin.json(res, 200, out);
    }

    private static int limit(String raw) {
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= 1 && v <= LIMIT_MAX) return v;
        } catch (NumberFormatException ignored) {
            // fall through to the error naming the range
        }
        throw ApiException.invalid("limit", "'limit' must be a whole number from 1 to " + LIMIT_MAX);
    }
}
