package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.ledger.Balance;
import dev.tollgate.ledger.HistoryEntry;
import dev.tollgate.ledger.HistoryPage;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.metering.Cost;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /v1/credits} and {@code GET /v1/credits/history}: the caller's own account only. */
public final class CreditsApi implements HttpService {
    private static final int HISTORY_LIMIT_DEFAULT = 20;
    private static final int HISTORY_LIMIT_MAX = 100;

    private final Authenticator auth;
    private final Ledger ledger;

    public CreditsApi(Authenticator auth, Ledger ledger) {
        this.auth = auth;
        this.ledger = ledger;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::balance).get("/history", this::history);
    }

    private void balance(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        Admin.json(res, 200, balanceJson(p.accountId(), ledger.balance(p.accountId())));
    }

    static ObjectNode balanceJson(String accountId, Balance b) {
        ObjectNode out = Json.object().put("account", accountId);
        out.put("balance", Cost.toCreditsDecimal(b.postedMicros()));
        out.put("held", Cost.toCreditsDecimal(b.heldMicros()));
        out.put("available", Cost.toCreditsDecimal(Math.max(0, b.availableMicros())));
        return out;
    }

    private void history(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        int limit = req.query().first("limit").map(CreditsApi::limit).orElse(HISTORY_LIMIT_DEFAULT);
        String before = req.query().first("before").filter(s -> !s.isBlank()).orElse(null);
        HistoryPage page;
        try {
            page = ledger.history(p.accountId(), limit, before);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("before", "'before' is not a cursor returned by this endpoint");
        }
        ObjectNode out = Json.object();
        ArrayNode data = out.putArray("data");
        for (HistoryEntry e : page.data()) {
            ObjectNode row = data.addObject().put("id", e.id()).put("type", e.type());
            row.put("amount", Cost.toCreditsDecimal(e.amountMicros()));
            row.put("balance_after", Cost.toCreditsDecimal(e.balanceAfterMicros()));
            row.put("request_id", e.requestId());
            row.put("model", e.model());
            row.put("created_at", e.createdAtMs() / 1000);
        }
        if (page.next() == null) out.putNull("next");
        else out.put("next", page.next());
        Admin.json(res, 200, out);
    }

    private static int limit(String raw) {
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= 1 && v <= HISTORY_LIMIT_MAX) return v;
        } catch (NumberFormatException ignored) {
            // fall through to the error naming the range
        }
        throw ApiException.invalid("limit", "'limit' must be a whole number from 1 to " + HISTORY_LIMIT_MAX);
    }
}
