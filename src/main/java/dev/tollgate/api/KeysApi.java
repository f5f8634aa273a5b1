package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Account;
import dev.tollgate.account.Accounts;
import dev.tollgate.account.KeyRights;
import dev.tollgate.account.LimitOverrides;
import dev.tollgate.account.Principal;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.json.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Set;

/**
 * {@code /v1/keys}: an account's own keys, for a key that holds the key-management right
 * (docs/dashboard.md#managing-keys). {@code GET} lists them (never a secret), {@code POST} makes one
 * and shows its secret once, {@code DELETE /{id}} revokes one. Keys made here inherit the account's
 * plan and limits and never get the right themselves; every change is audited in {@code key_events}.
 */
public final class KeysApi implements HttpService {
    public static final String PATH = "/v1/keys";
    /** Active keys an account may make for itself; the admin API is not bound by it. */
    static final int ACTIVE_KEYS_MAX = 100;
    private static final long BODY_BYTES_MAX = 16 * 1024;
    private static final int NAME_CHARS_MAX = 100;

    private final Authenticator auth;
    private final Accounts accounts;
    private final KeyRights rights;

    public KeysApi(Authenticator auth, Accounts accounts, KeyRights rights) {
        this.auth = auth;
        this.accounts = accounts;
        this.rights = rights;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).post("/", this::create).delete("/{id}", this::revoke);
    }

    private Principal manager(ServerRequest req) {
        Principal p = auth.apiKey(req);
        if (!rights.canManage(p.keyId())) {
            throw new ApiException(403, "permission_error", "key_management_not_allowed", null,
                    "This API key may not manage keys: the admin grants that with 'can_manage_keys' "
                            + "(PATCH /admin/keys/{id})", null);
        }
        return p;
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = manager(req);
        Account.WithKeys found = accounts.withKeys(p.accountId()).orElseThrow();
        Set<String> managers = rights.managers(p.accountId());
        ObjectNode out = Json.object().put("object", "list");
        ArrayNode data = out.putArray("data");
        for (Account.KeyInfo k : found.keys()) {
            ObjectNode key = data.addObject().put("id", k.id()).put("name", k.name()).put("prefix", k.prefix());
            key.put("created_at", k.createdAtMs() / 1000);
            if (k.revokedAtMs() == null) key.putNull("revoked_at");
            else key.put("revoked_at", k.revokedAtMs() / 1000);
            key.put("can_manage_keys", managers.contains(k.id()));
            key.put("current", k.id().equals(p.keyId()));
        }
        Admin.json(res, 200, out);
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal p = manager(req);
        byte[] raw = Bodies.read(req, BODY_BYTES_MAX);
        ObjectNode body = raw.length == 0 ? Json.object() : Bodies.jsonObject(raw);
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("name")) throw ApiException.invalid(f, "Unknown parameter: '" + f + "' (expected name)");
        });
        String name = Admin.optionalString(body, "name");
        if (name != null && name.length() > NAME_CHARS_MAX) {
            throw ApiException.invalid("name", "'name' must be at most " + NAME_CHARS_MAX + " characters");
        }
        long active = accounts.withKeys(p.accountId()).orElseThrow().keys().stream()
                .filter(k -> k.revokedAtMs() == null).count();
        if (active >= ACTIVE_KEYS_MAX) {
            throw new ApiException(409, "invalid_request_error", "key_limit_reached", null, "This account already has "
                    + active + " active keys, the most it may make itself (" + ACTIVE_KEYS_MAX + "); revoke one first", null);
        }
        Accounts.CreatedKey key = accounts.createKeyWithLimits(p.accountId(), name, LimitOverrides.NONE, null);
        rights.record(p.accountId(), key.id(), "create", p.keyId());
        ObjectNode out = Json.object().put("id", key.id()).put("name", name).put("key", key.secret());
        Admin.json(res, 201, out);
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        Principal p = manager(req);
        String id = req.path().pathParameters().get("id");
        // another account's key answers exactly like a missing one
        if (!p.accountId().equals(rights.accountOf(id))) {
            throw ApiException.notFound("key_not_found", "id", "No key with id '" + id + "' in this account");
        }
        if (id.equals(p.keyId())) {
            throw ApiException.invalid("id", "A key cannot revoke itself here; use another key or the admin API");
        }
        accounts.revokeKey(id);
        rights.record(p.accountId(), id, "revoke", p.keyId());
        res.status(204).send();
    }
}
