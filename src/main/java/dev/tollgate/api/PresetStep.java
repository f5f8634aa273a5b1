package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.account.Principal;
import dev.tollgate.http.ApiException;
import dev.tollgate.state.presets.Preset;
import dev.tollgate.state.presets.PresetStore;
import dev.tollgate.usage.UsageFacts;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The preset step of the chat endpoints (docs/presets.md), run on the raw body before it is parsed: a request that
 * names a preset ({@code "model": "@preset/SLUG"} or {@code "preset": "SLUG"}) gets the preset's model and params
 * where it sets none (request fields win) and the preset's system prompt before its own. {@code preset} is Tollgate's
 * own field and never reaches the provider. The body's wire format ({@link PresetWire}) says where each goes; the
 * slug and the version used are sent as {@value #HEADER} and recorded on the usage event.
 */
public final class PresetStep {
    static final String MODEL_PREFIX = "@preset/";
    public static final String HEADER = "x-tollgate-preset";

    private final PresetStore store;

    public PresetStep(PresetStore store) {
        this.store = store;
    }

    /** A chat-completions body; see {@link #apply(Principal, ObjectNode, BiConsumer, PresetWire)}. */
    public Preset apply(Principal principal, ObjectNode body, BiConsumer<String, String> header) {
        return apply(principal, body, header, PresetWire.CHAT);
    }

    /** Rewrites {@code body} (in {@code wire}'s format) in place; returns the preset used, or null when it names none. */
    public Preset apply(Principal principal, ObjectNode body, BiConsumer<String, String> header, PresetWire wire) {
        String slug = slug(body);
        if (slug == null) return null;
        Preset preset = (Preset.validSlug(slug) ? store.visible(principal.accountId(), slug) : java.util.Optional.<Preset>empty())
                .orElseThrow(() -> ApiException.notFound("preset_not_found", "preset", "No preset '" + slug + "' "
                        + "is visible to this account (your own presets and public ones; GET /v1/presets lists them)"));
        JsonNode model = body.get("model");
        if (model == null || model.isNull() || model.asText().startsWith(MODEL_PREFIX)) {
            if (preset.model() != null) body.put("model", preset.model());
            else body.remove("model"); // the request must then name one; parsing says so
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = preset.params().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            wire.param(body, p.getKey(), p.getValue());
        }
        if (preset.systemPrompt() != null) wire.systemPrompt(body, preset.systemPrompt());
        header.accept(HEADER, preset.tag());
        UsageFacts.current().preset(preset.slug(), preset.version());
        return preset;
    }

    /** The slug the request names, with {@code preset} taken out; both forms naming different presets is an error. */
    private static String slug(ObjectNode body) {
        JsonNode field = body.remove("preset");
        String fromField = null;
        if (field != null && !field.isNull()) {
            if (!field.isTextual() || field.asText().isBlank()) throw ApiException.invalid("preset", "'preset' must be a preset slug");
            fromField = field.asText();
        }
        JsonNode model = body.get("model");
        String fromModel = model != null && model.isTextual() && model.asText().startsWith(MODEL_PREFIX)
                ? model.asText().substring(MODEL_PREFIX.length()) : null;
        if (fromField != null && fromModel != null && !fromField.equals(fromModel)) {
            throw ApiException.invalid("preset", "'preset' names '" + fromField + "' but 'model' names '" + model.asText() + "'");
        }
        return fromField != null ? fromField : fromModel;
    }
}
