package dev.tollgate.api.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.items.OutputItems;
import dev.tollgate.config.StateConfig;
import dev.tollgate.state.images.ImageStore;
import dev.tollgate.state.images.StoredImage;
import dev.tollgate.store.StoreException;
import java.time.Clock;
import java.util.Base64;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps what {@code /v1/images/generations} answered in the caller's image history (docs/images.md): a
 * {@code b64_json} image decoded and stored as bytes (up to {@code images.max_image_bytes}), a {@code url} stored as
 * the URL — never fetched, so the gateway makes no request to a host a provider named, and such URLs expire as the
 * provider says. Each kept image's id is added to its {@code data[i]} as {@code id}. The account's kept bytes stay
 * under {@code images.max_bytes_per_account}: the oldest go first.
 */
public final class ImageKeeper {
    private static final Logger LOG = Logger.getLogger(ImageKeeper.class.getName());
    private final ImageStore store;
    private final StateConfig.ImageHistory config;
    private final Clock clock;

    public ImageKeeper(ImageStore store, StateConfig.ImageHistory config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Keeps every image of {@code answer} (already paid for: a store failure is logged, never the client's problem).
     * {@code size}, {@code quality}, {@code outputFormat}: as requested, null when not.
     */
    public void keep(String accountId, String requestId, String model, String prompt, String size, String quality,
                     String outputFormat, ObjectNode answer) {
        if (!config.store()) return;
        long now = clock.millis();
        for (JsonNode d : answer.path("data")) {
            if (!(d instanceof ObjectNode image)) continue;
            byte[] bytes = decode(image.path("b64_json").asText(null));
            String url = image.path("url").isTextual() ? image.get("url").asText() : null;
            if (bytes != null && bytes.length > config.maxImageBytes()) bytes = null; // too large to keep: the URL only, if any
            if (bytes == null && url == null) continue;
            String id = OutputItems.newId("img_");
            String revised = image.path("revised_prompt").isTextual() ? image.get("revised_prompt").asText() : null;
            StoredImage kept = new StoredImage(id, accountId, requestId, model, prompt, revised, size, quality,
                    bytes == null ? null : ContentTypes.of(bytes, outputFormat), bytes == null ? 0 : bytes.length, url, now);
            try {
                store.save(kept, bytes, config.maxBytesPerAccount());
                image.put("id", id);
            } catch (StoreException e) {
                LOG.log(Level.WARNING, "keeping image of request " + requestId + " failed; it was answered", e);
            }
        }
    }

    private static byte[] decode(String b64) {
        if (b64 == null || b64.isEmpty()) return null;
        try {
            return Base64.getMimeDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return null; // not base64: nothing to keep, the client got what the provider sent
        }
    }
}
