package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Account;
import dev.tollgate.account.Accounts;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.json.Json;
import dev.tollgate.limits.quota.Quotas;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.logging.Logger;

/**
 * {@code POST /admin/accounts/{id}/usage/reset} {@code {"reason"?}}: zeroes this month's quota and budget
 * counters of the account and of each of its keys. Audited: the engine records every reset (who, why, what
 * was zeroed) in {@code quota_resets}, and it is logged.
 */
public final class UsageReset implements Handler {
    private static final Logger LOG = Logger.getLogger(UsageReset.class.getName());
    private static final long BODY_BYTES_MAX = 16 * 1024;

    private final Authenticator auth;
    private final Accounts accounts;
    private final Quotas quotas;

    public UsageReset(Authenticator auth, Accounts accounts, Quotas quotas) {
        this.auth = auth;
        this.accounts = accounts;
        this.quotas = quotas;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        String id = req.path().pathParameters().get("id");
        byte[] raw = Bodies.read(req, BODY_BYTES_MAX);
        ObjectNode body = raw.length == 0 ? Json.object() : Bodies.jsonObject(raw);
        String reason = Admin.optionalString(body, "reason");
        Account.WithKeys account = accounts.withKeys(id).orElseThrow(() ->
                ApiException.notFound("account_not_found", "id", "No account with id '" + id + "'"));
        String why = reason == null ? "admin reset" : reason;
        quotas.reset("account", id, why);
        for (Account.KeyInfo k : account.keys()) quotas.reset("key", k.id(), why);
        LOG.info("usage of account " + id + " reset for " + quotas.period() + " by the admin API: " + why);
        Admin.json(res, 200, Json.object().put("account", id).put("period", quotas.period().toString()).put("reset", true));
    }
}
