package dev.tollgate.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optional top-level {@code conversations} and {@code images} sections (docs/conversations.md,
 * docs/images.md): bounds on what the stateful APIs keep, and the model that titles conversations.
 *
 * @param conversations {@code conversations:}
 * @param images        {@code images:}
 */
public record StateConfig(Conversations conversations, ImageHistory images) {
    public static final StateConfig DEFAULTS = new StateConfig(Conversations.DEFAULTS, ImageHistory.DEFAULTS);

    /**
     * @param maxItems       items one conversation may hold; an append past it is refused (400)
     * @param historyItemsMax the newest items a chat request reads as history (then trimmed to the context window)
     * @param titleModel     public model (or alias) that writes a title after the first exchange; null = no titles
     * @param titleMaxTokens the title call's output cap (it is billed to the account)
     */
    public record Conversations(int maxItems, int historyItemsMax, String titleModel, int titleMaxTokens) {
        public static final Conversations DEFAULTS = new Conversations(10_000, 1_000, null, 24);
    }

    /**
     * @param store              keep generated images for {@code GET /v1/images}; false = history off
     * @param maxImageBytes      a larger (decoded) image is not kept (its generation still answers)
     * @param maxBytesPerAccount an account's kept images; the oldest go first to make room
     */
    public record ImageHistory(boolean store, long maxImageBytes, long maxBytesPerAccount) {
        public static final ImageHistory DEFAULTS = new ImageHistory(true, 8L << 20, 256L << 20);
    }

    static StateConfig parse(ConfigNode root, List<TollgateConfig.Model> models, Map<String, List<String>> aliases) {
        return new StateConfig(conversations(root, models, aliases), images(root));
    }

    private static Conversations conversations(ConfigNode root, List<TollgateConfig.Model> models,
                                               Map<String, List<String>> aliases) {
        if (!root.has("conversations")) return Conversations.DEFAULTS;
        ConfigNode c = root.child("conversations");
        c.requireObject();
        c.allowOnly(Set.of("max_items", "history_items_max", "title_model", "title_max_tokens"));
        Conversations d = Conversations.DEFAULTS;
        long maxItems = c.longValue("max_items", d.maxItems(), 2);
        if (maxItems > 1_000_000) throw c.child("max_items").error("must be at most 1000000");
        long history = c.longValue("history_items_max", d.historyItemsMax(), 1);
        if (history > 10_000) throw c.child("history_items_max").error("must be at most 10000");
        String title = c.text("title_model", null);
        if (title != null && models.stream().noneMatch(m -> m.name().equals(title)) && !aliases.containsKey(title)) {
            throw c.child("title_model").error("'" + title + "' is not a configured model or alias");
        }
        long titleTokens = c.longValue("title_max_tokens", d.titleMaxTokens(), 1);
        if (titleTokens > 256) throw c.child("title_max_tokens").error("must be at most 256");
        return new Conversations((int) maxItems, (int) history, title, (int) titleTokens);
    }

    private static ImageHistory images(ConfigNode root) {
        if (!root.has("images")) return ImageHistory.DEFAULTS;
        ConfigNode i = root.child("images");
        i.requireObject();
        i.allowOnly(Set.of("store", "max_image_bytes", "max_bytes_per_account"));
        ImageHistory d = ImageHistory.DEFAULTS;
        boolean store = d.store();
        if (i.has("store")) {
            String raw = i.child("store").text().trim();
            if (!raw.equals("true") && !raw.equals("false")) throw i.child("store").error("must be true or false");
            store = raw.equals("true");
        }
        long image = i.longValue("max_image_bytes", d.maxImageBytes(), 1024);
        long account = i.longValue("max_bytes_per_account", d.maxBytesPerAccount(), 1024);
        if (account < image) throw i.child("max_bytes_per_account").error("must be at least max_image_bytes (" + image + ")");
        return new ImageHistory(store, image, account);
    }
}
