package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Account;
import dev.tollgate.account.Accounts;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.json.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The admin API for accounts and keys (CONTRACT §3 "Admin"); every route needs the admin token. */
public final class Admin implements HttpService {
    private static final long ADMIN_BODY_BYTES_MAX = 64 * 1024;

    private final Authenticator auth;
    private final Accounts accounts;

    public Admin(Authenticator auth, Accounts accounts) {
        this.auth = auth;
        this.accounts = accounts;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/accounts", this::createAccount)
                .get("/accounts/{id}", this::getAccount)
                .post("/accounts/{id}/keys", this::createKey)
                .delete("/keys/{id}", this::revokeKey);
    }

    private void createAccount(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, ADMIN_BODY_BYTES_MAX));
        String name = requiredString(body, "name");
        String plan = optionalString(body, "plan");
        Account a = accounts.create(name, plan);
        ObjectNode out = Json.object().put("id", a.id()).put("name", a.name());
        out.put("plan", a.plan());
        json(res, 201, out);
    }

    private void getAccount(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        String id = req.path().pathParameters().get("id");
        Account.WithKeys found = accounts.withKeys(id).orElseThrow(() -> notFound("account", id));
        ObjectNode out = Json.object();
        out.put("id", found.account().id()).put("name", found.account().name()).put("plan", found.account().plan());
        out.put("created_at", found.account().createdAtMs() / 1000);
        ArrayNode keys = out.putArray("keys");
        for (Account.KeyInfo k : found.keys()) {
            ObjectNode key = keys.addObject().put("id", k.id()).put("name", k.name()).put("prefix", k.prefix());
            key.put("rpm", k.rpm()).put("tpm", k.tpm()).put("created_at", k.createdAtMs() / 1000);
            key.put("revoked", k.revokedAtMs() != null);
        }
        json(res, 200, out);
    }

    private void createKey(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        String accountId = req.path().pathParameters().get("id");
        byte[] raw = Bodies.read(req, ADMIN_BODY_BYTES_MAX);
        ObjectNode body = raw.length == 0 ? Json.object() : Bodies.jsonObject(raw);
        String name = optionalString(body, "name");
        Integer rpm = optionalPositiveInt(body, "rpm");
        Integer tpm = optionalPositiveInt(body, "tpm");
        if (accounts.find(accountId).isEmpty()) throw notFound("account", accountId);
        Accounts.CreatedKey key = accounts.createKey(accountId, name, rpm, tpm);
        json(res, 201, Json.object().put("id", key.id()).put("key", key.secret()));
    }

    private void revokeKey(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        String id = req.path().pathParameters().get("id");
        if (!accounts.revokeKey(id)) throw notFound("key", id);
        res.status(204).send();
    }

    private static ApiException notFound(String what, String id) {
        return ApiException.notFound(what + "_not_found", "id", "No " + what + " with id '" + id + "'");
    }

    static String requiredString(ObjectNode body, String field) {
        String v = optionalString(body, field);
        if (v == null) throw ApiException.invalid(field, "Missing required parameter: '" + field + "'");
        return v;
    }

    static String optionalString(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual() || v.asText().isBlank()) throw ApiException.invalid(field, "'" + field + "' must be a non-empty string");
        return v.asText();
    }

    static Integer optionalPositiveInt(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw ApiException.invalid(field, "'" + field + "' must be a positive integer");
        }
        return v.asInt();
    }

    static void json(ServerResponse res, int status, JsonNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }
}
