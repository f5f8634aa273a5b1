package dev.tollgate.routing;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.ChatProvider;

/**
 * A public model served by one provider under the provider's own model id. The catalog makes exactly
 * one per configured model, so identity is equality: routing puts deployments in sets and maps on
 * every request, and a value-based hash would walk the whole model config (prices, lists) each time.
 */
public final class Deployment {
    private final TollgateConfig.Model model;
    private final ChatProvider provider;

    public Deployment(TollgateConfig.Model model, ChatProvider provider) {
        this.model = model;
        this.provider = provider;
    }

    public TollgateConfig.Model model() { return model; }

    public ChatProvider provider() { return provider; }

    public String publicName() { return model.name(); }

    public String providerName() { return provider.name(); }

    public String upstreamModel() { return model.upstream(); }

    @Override
    public String toString() { return model.name() + "@" + provider.name(); }
}
