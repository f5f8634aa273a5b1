package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.config.Limits;
import dev.tollgate.http.ApiException;
import dev.tollgate.http.Authenticator;
import dev.tollgate.http.Bodies;
import dev.tollgate.json.Json;
import dev.tollgate.limits.Guard;
import dev.tollgate.state.presets.Preset;
import dev.tollgate.state.presets.PresetStore;
import dev.tollgate.metering.Cost;
import dev.tollgate.usage.PresetUsage;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.Set;

/**
 * {@code /v1/presets} (docs/presets.md): the caller's presets created, listed, read, changed (each change a new
 * version) and deleted; public presets of other accounts are listed and readable, never changed; any visible
 * preset can be duplicated into the caller's account, and the caller's use of a preset is counted by version. The plan's {@code max_presets} bounds how many an account owns.
 */
public final class PresetsApi implements HttpService {
    public static final String PATH = "/v1/presets";
    /** A preset is a few fields and a system prompt; this bounds what one request may store. */
    static final long BODY_BYTES_MAX = 64 * 1024;
    private static final Set<String> FIELDS = Set.of("slug", "name", "model", "system_prompt", "params", "public");
    /** Params may not carry what the preset's own fields or the request's conversation say. */
    private static final Set<String> PARAMS_REFUSED = Set.of("model", "models", "messages", "preset");

    private final Authenticator auth;
    private final PresetStore store;
    private final Guard guard;
    private final Clock clock;
    private final PresetUsage usage;

    public PresetsApi(Authenticator auth, PresetStore store, Guard guard, Clock clock, PresetUsage usage) {
        this.usage = usage;
        this.auth = auth;
        this.store = store;
        this.guard = guard;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create).get("/", this::list)
                .get("/{slug}", this::retrieve).patch("/{slug}", this::update).delete("/{slug}", this::delete)
                .post("/{slug}/duplicate", this::duplicate).get("/{slug}/usage", this::usage);
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        ObjectNode body = body(req);
        String slug = slug(body.get("slug"));
        long now = clock.millis();
        Preset preset = new Preset(p.accountId(), slug, text(body, "name", null), text(body, "model", null),
                text(body, "system_prompt", null), params(body, Json.object()), bool(body, "public", false), 1, now, now);
        insert(p, preset);
        send(res, 201, json(preset, p));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        ArrayNode data = Json.NODES.arrayNode();
        store.list(p.accountId()).forEach(preset -> data.add(json(preset, p)));
        ObjectNode out = Json.object().put("object", "list");
        out.set("data", data);
        send(res, 200, out);
    }

    private void retrieve(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        send(res, 200, json(visible(p, req.path().pathParameters().get("slug")), p));
    }

    private void update(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        String slug = req.path().pathParameters().get("slug");
        ObjectNode body = body(req);
        if (body.has("slug") && !slug.equals(body.get("slug").asText())) {
            throw ApiException.invalid("slug", "A preset's slug cannot change; duplicate it under the new slug instead");
        }
        Preset old = own(p, slug);
        Preset next = new Preset(p.accountId(), slug, text(body, "name", old.name()), text(body, "model", old.model()),
                text(body, "system_prompt", old.systemPrompt()), params(body, old.params()),
                bool(body, "public", old.isPublic()), old.version() + 1, old.createdAtMs(), clock.millis());
        if (!store.update(next, old.version())) {
            throw new ApiException(409, "invalid_request_error", "preset_conflict", "slug",
                    "Preset '" + slug + "' was changed or deleted by another request; read it and try again", null);
        }
        send(res, 200, json(next, p));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        String slug = req.path().pathParameters().get("slug");
        if (!store.delete(p.accountId(), slug)) throw notFound(slug);
        send(res, 200, Json.object().put("object", "preset.deleted").put("slug", slug).put("deleted", true));
    }

    /** Body (optional): {@code {"slug": "new-slug"}}; the copy is private, version 1, owned by the caller. */
    private void duplicate(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        Preset source = visible(p, req.path().pathParameters().get("slug"));
        byte[] raw = Bodies.read(req, BODY_BYTES_MAX);
        ObjectNode body = raw.length == 0 ? Json.object() : Bodies.jsonObject(raw);
        String slug = body.has("slug") ? slug(body.get("slug")) : source.slug();
        long now = clock.millis();
        Preset copy = new Preset(p.accountId(), slug, source.name(), source.model(), source.systemPrompt(),
                source.params().deepCopy(), false, 1, now, now);
        insert(p, copy);
        send(res, 201, json(copy, p));
    }

    /**
     * {@code GET /v1/presets/{slug}/usage?days=N} (default 30): the caller's own requests that used the preset, by
     * version. Any valid slug: a deleted preset's history stays, and another account's public preset shows only the
     * caller's use of it.
     */
    private void usage(ServerRequest req, ServerResponse res) {
        Principal p = auth.apiKey(req);
        String slug = slug(Json.NODES.textNode(req.path().pathParameters().get("slug")));
        int days = UsageTable.intParam(req, "days", 30, 1, UsageTable.DAYS_MAX);
        ArrayNode data = Json.NODES.arrayNode();
        for (PresetUsage.Version v : usage.byVersion(p.accountId(), slug, clock.millis() - days * 86_400_000L)) {
            data.addObject().put("version", v.version()).put("requests", v.requests()).put("failed", v.failed())
                    .put("input_tokens", v.inputTokens()).put("output_tokens", v.outputTokens())
                    .put("cost", Cost.toCreditsDecimal(v.costMicros()));
        }
        ObjectNode out = Json.object().put("object", "preset.usage").put("slug", slug).put("days", days);
        out.set("data", data);
        send(res, 200, out);
    }

    /** The plan's limit is checked before the insert; two concurrent creates may pass it together (one over at most). */
    private void insert(Principal p, Preset preset) {
        Limits.Plan plan = guard.plan(p);
        Integer max = plan == null ? null : plan.maxPresets();
        if (max != null && max > 0 && store.count(p.accountId()) >= max) {
            throw new ApiException(403, "permission_error", "preset_limit_reached", "slug", "Plan '" + plan.name()
                    + "' allows at most " + max + " presets (max_presets); delete one or change plan", null);
        }
        if (!store.create(preset)) {
            throw new ApiException(409, "invalid_request_error", "preset_exists", "slug",
                    "You already have a preset '" + preset.slug() + "'; PATCH it or choose another slug", null);
        }
    }

    private Preset visible(Principal p, String slug) {
        return store.visible(p.accountId(), slug).orElseThrow(() -> notFound(slug));
    }

    /** Another account's preset, public or not, is not the caller's to change: the same 404 as a missing one. */
    private Preset own(Principal p, String slug) {
        return store.own(p.accountId(), slug).orElseThrow(() -> notFound(slug));
    }

    private static ApiException notFound(String slug) {
        return ApiException.notFound("preset_not_found", "slug", "No preset '" + slug + "' of yours"
                + " (or public) exists");
    }

    private static ObjectNode body(ServerRequest req) {
        ObjectNode body = Bodies.jsonObject(Bodies.read(req, BODY_BYTES_MAX));
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) throw ApiException.invalid(f, "Unknown preset field '" + f + "' (known: "
                    + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
        });
        return body;
    }

    private static String slug(JsonNode v) {
        if (v == null || !v.isTextual() || !Preset.validSlug(v.asText())) {
            throw ApiException.invalid("slug", "'slug' must be 1-64 lowercase letters, digits or dashes, starting with a letter or digit");
        }
        return v.asText();
    }

    /** A text field: absent keeps {@code current}; null clears it. */
    private static String text(ObjectNode body, String field, String current) {
        if (!body.has(field)) return current;
        JsonNode v = body.get(field);
        if (v.isNull()) return null;
        if (!v.isTextual()) throw ApiException.invalid(field, "'" + field + "' must be a string");
        if (field.equals("model") && v.asText().startsWith(PresetStep.MODEL_PREFIX)) {
            throw ApiException.invalid(field, "A preset's model cannot be another preset");
        }
        return v.asText();
    }

    private static ObjectNode params(ObjectNode body, ObjectNode current) {
        if (!body.has("params") || body.get("params").isNull()) return body.has("params") ? Json.object() : current;
        if (!(body.get("params") instanceof ObjectNode params)) throw ApiException.invalid("params", "'params' must be an object");
        for (String refused : PARAMS_REFUSED) {
            if (params.has(refused)) throw ApiException.invalid("params." + refused, "'params' cannot set '" + refused + "'");
        }
        return params;
    }

    private static boolean bool(ObjectNode body, String field, boolean current) {
        if (!body.has(field)) return current;
        if (!body.get(field).isBoolean()) throw ApiException.invalid(field, "'" + field + "' must be true or false");
        return body.get(field).asBoolean();
    }

    /** Another account's public preset is shown without its owner: {@code owned} says whether it is the caller's. */
    private static ObjectNode json(Preset preset, Principal p) {
        ObjectNode o = Json.object().put("object", "preset").put("slug", preset.slug()).put("name", preset.name())
                .put("model", preset.model()).put("system_prompt", preset.systemPrompt());
        o.set("params", preset.params());
        o.put("public", preset.isPublic()).put("version", preset.version())
                .put("owned", preset.accountId().equals(p.accountId()))
                .put("created_at", preset.createdAtMs() / 1000).put("updated_at", preset.updatedAtMs() / 1000);
        return o;
    }

    private static void send(ServerResponse res, int status, ObjectNode body) {
        res.status(status);
        res.header("Content-Type", "application/json");
        res.send(Json.bytes(body));
    }
}
