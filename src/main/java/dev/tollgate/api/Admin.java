package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Account;
import dev.tollgate.account.AccountNameTakenException;
import dev.tollgate.account.Accounts;
import dev.tollgate.account.LimitOverrides;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.json.Json;
import dev.tollgate.ledger.Balance;
import dev.tollgate.ledger.Ledger;
import dev.tollgate.metering.Cost;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Set;

/** The admin API for accounts and keys (CONTRACT §3 "Admin"); every route needs the admin token. */
public final class Admin implements HttpService {
    private static final long ADMIN_BODY_BYTES_MAX = 64 * 1024;

    private final Authenticator auth;
    private final Accounts accounts;
    private final Ledger ledger;
    private final TollgateConfig config;
    private final dev.tollgate.account.KeyRights rights;

    public Admin(Authenticator auth, Accounts accounts, Ledger ledger, TollgateConfig config,
                 dev.tollgate.account.KeyRights rights) {
        this.auth = auth;
        this.accounts = accounts;
        this.ledger = ledger;
        this.config = config;
        this.rights = rights;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/accounts", this::createAccount)
                .get("/accounts/{id}", this::getAccount)
                .patch("/accounts/{id}", this::patchAccount)
                .post("/accounts/{id}/keys", this::createKey)
                .patch("/keys/{id}", this::patchKey)
                .post("/accounts/{id}/credits", this::grantCredits)
                .delete("/keys/{id}", this::revokeKey);
    }

    private void createAccount(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, ADMIN_BODY_BYTES_MAX));
        String name = requiredString(body, "name");
        String problem = Accounts.nameProblem(name);
        if (problem != null) throw ApiException.invalid("name", "'name': " + problem);
        String plan = body.hasNonNull("plan") ? LimitFields.plan(body.get("plan"), config) : null;
        long credits = body.has("credits") ? CreditAmounts.micros(body.get("credits"), "credits", false) : 0;
        Account a;
        try {
            a = accounts.create(name, plan);
        } catch (AccountNameTakenException e) {
            throw new ApiException(409, "invalid_request_error", "account_name_taken", "name", e.getMessage(), null);
        }
        long balance = dev.tollgate.billing.Funding.open(ledger, a.id(), credits, "initial credits");
        ObjectNode out = Json.object().put("id", a.id()).put("name", a.name());
        out.put("plan", a.plan());
        out.put("balance", Cost.toCreditsDecimal(balance));
        json(res, 201, out);
    }

    private void getAccount(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        String id = req.path().pathParameters().get("id");
        Account.WithKeys found = accounts.withKeys(id).orElseThrow(() -> notFound("account", id));
        ObjectNode out = Json.object();
        out.put("id", found.account().id()).put("name", found.account().name()).put("plan", found.account().plan());
        out.put("created_at", found.account().createdAtMs() / 1000);
        Balance b = ledger.balance(id);
        out.put("balance", Cost.toCreditsDecimal(b.postedMicros()));
        out.put("held", Cost.toCreditsDecimal(b.heldMicros()));
        out.put("available", Cost.toCreditsDecimal(Math.max(0, b.availableMicros())));
        limits(out.putObject("limits"), found.account().limits());
        ArrayNode keys = out.putArray("keys");
        Set<String> managers = rights.managers(id);
        for (Account.KeyInfo k : found.keys()) {
            ObjectNode key = keys.addObject().put("id", k.id()).put("name", k.name()).put("prefix", k.prefix());
            limits(key, k.limits());
            if (k.models() == null) key.putNull("models");
            else k.models().forEach(key.putArray("models")::add);
            key.put("created_at", k.createdAtMs() / 1000);
            key.put("revoked", k.revokedAtMs() != null);
            key.put("can_manage_keys", managers.contains(k.id()));
        }
        json(res, 200, out);
    }

    private void createKey(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        String accountId = req.path().pathParameters().get("id");
        byte[] raw = Bodies.read(req, ADMIN_BODY_BYTES_MAX);
        ObjectNode body = raw.length == 0 ? Json.object() : Bodies.jsonObject(raw);
        Boolean manage = canManageKeys(body);
        String name = optionalString(body, "name");
        Map<String, Object> limits = LimitFields.columns(body, LimitFields.KEY, config);
        if (accounts.find(accountId).isEmpty()) throw notFound("account", accountId);
        @SuppressWarnings("unchecked") Set<String> models = (Set<String>) limits.get("models");
        Accounts.CreatedKey key = accounts.createKeyWithLimits(accountId, name, LimitFields.key(limits), models);
        if (Boolean.TRUE.equals(manage)) rights.set(key.id(), true, dev.tollgate.account.KeyRights.ADMIN);
        json(res, 201, Json.object().put("id", key.id()).put("key", key.secret()));
    }

    /** Plan and limit overrides (CONTRACT §5); the answer is the account as {@code GET} shows it. */
    private void patchAccount(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        String id = req.path().pathParameters().get("id");
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, ADMIN_BODY_BYTES_MAX));
        if (!accounts.updateAccount(id, LimitFields.columns(requireOnly(body, LimitFields.ACCOUNT), LimitFields.ACCOUNT, config))) {
            throw notFound("account", id);
        }
        getAccount(req, res);
    }

    private void patchKey(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        String id = req.path().pathParameters().get("id");
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, ADMIN_BODY_BYTES_MAX));
        Boolean manage = canManageKeys(body);
        if (!accounts.updateKey(id, LimitFields.columns(requireOnly(body, LimitFields.KEY), LimitFields.KEY, config))) {
            throw notFound("key", id);
        }
        if (manage != null) rights.set(id, manage, dev.tollgate.account.KeyRights.ADMIN);
        res.status(204).send();
    }

    /** Takes the optional boolean {@code can_manage_keys} out of a key body (docs/dashboard.md#managing-keys). */
    private static Boolean canManageKeys(ObjectNode body) {
        JsonNode v = body.remove("can_manage_keys");
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw ApiException.invalid("can_manage_keys", "'can_manage_keys' must be true or false");
        return v.booleanValue();
    }

    private static ObjectNode requireOnly(ObjectNode body, Set<String> allowed) {
        body.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                throw ApiException.invalid(f, "Unknown parameter: '" + f + "' (expected "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        });
        return body;
    }

    /** rpm, tpm, max_parallel (null: not set, 0: unlimited) and monthly_budget in credits (null: none). */
    private static void limits(ObjectNode out, LimitOverrides l) {
        out.put("rpm", l.rpm()).put("tpm", l.tpm()).put("max_parallel", l.maxParallel());
        if (l.monthlyBudgetMicros() == null) out.putNull("monthly_budget");
        else out.put("monthly_budget", Cost.toCreditsDecimal(l.monthlyBudgetMicros()));
    }

    /**
     * Adds (or, negative, removes) credits. With an idempotency_key a retry is a no-op and the same
     * key with another amount is a 409; without one every call is a new transfer.
     */
    private void grantCredits(ServerRequest req, ServerResponse res) {
        auth.admin(req);
        String accountId = req.path().pathParameters().get("id");
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, ADMIN_BODY_BYTES_MAX));
        long micros = CreditAmounts.micros(body.get("amount"), "amount", true);
        if (micros == 0) throw ApiException.invalid("amount", "'amount' must not be zero");
        String reason = optionalString(body, "reason");
        String key = optionalString(body, "idempotency_key");
        if (key != null && key.length() > 100) throw ApiException.invalid("idempotency_key", "'idempotency_key' is longer than 100 characters");
        if (accounts.find(accountId).isEmpty()) throw notFound("account", accountId);
        String transferId = key != null ? "admin:" + accountId + ":" + key : "admin:" + dev.tollgate.http.RequestIds.newLedgerId();
        long balance;
        try {
            balance = ledger.grant(transferId, accountId, micros, reason);
        } catch (dev.tollgate.ledger.IdempotencyConflictException e) {
            throw new ApiException(409, "invalid_request_error", "idempotency_conflict", "idempotency_key",
                    "This idempotency_key was already used with a different amount, reason or account", null);
        } catch (dev.tollgate.ledger.InsufficientCreditsException e) {
            throw ApiException.invalid("amount", "Cannot remove " + Cost.toCredits(-micros) + " credits: only "
                    + Cost.toCredits(Math.max(0, e.availableMicros())) + " are available");
        }
        json(res, 200, Json.object().put("balance", Cost.toCreditsDecimal(balance)));
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

    static void json(ServerResponse res, int status, JsonNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }
}
