package dev.tollgate.routing;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.ChatProvider;

/** A public model served by one provider under the provider's own model id. */
public record Deployment(TollgateConfig.Model model, ChatProvider provider) {
    public String publicName() { return model.name(); }

    public String providerName() { return provider.name(); }

    public String upstreamModel() { return model.upstream(); }
}
