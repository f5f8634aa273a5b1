package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.json.Json;
import dev.tollgate.limits.alerts.AlertJson;
import dev.tollgate.limits.alerts.AlertPage;
import dev.tollgate.limits.alerts.Alerts;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /admin/alerts?limit=N&before=CURSOR} (admin token): every recorded threshold alert,
 * newest first, with its webhook delivery state; {@code next} pages on like {@code /v1/credits/history}.
 */
public final class AlertsAdmin implements Handler {
    private static final int LIMIT_DEFAULT = 20;
    private static final int LIMIT_MAX = 100;

    private final Authenticator auth;
    private final Alerts alerts;

    public AlertsAdmin(Authenticator auth, Alerts alerts) {
        this.auth = auth;
        this.alerts = alerts;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        int limit = req.query().first("limit").map(AlertsAdmin::limit).orElse(LIMIT_DEFAULT);
        String before = req.query().first("before").filter(s -> !s.isBlank()).orElse(null);
        AlertPage page;
        try {
            page = alerts.page(limit, before);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("before", "'before' is not a cursor returned by this endpoint");
        }
        ObjectNode out = Json.object();
        out.set("data", AlertJson.list(page.data()));
        if (page.next() == null) out.putNull("next");
        else out.put("next", page.next());
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
