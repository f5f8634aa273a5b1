package dev.tollgate.provider;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.anthropic.AnthropicProvider;
import dev.tollgate.provider.gemini.GeminiProvider;
import dev.tollgate.provider.mock.MockProvider;
import dev.tollgate.provider.openai.OpenAiProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds one adapter per configured provider. A new provider type is one case here and one folder. */
public final class Providers {
    private Providers() {}

    public static Map<String, ChatProvider> create(TollgateConfig config) {
        Map<String, ChatProvider> out = new LinkedHashMap<>();
        for (TollgateConfig.Provider p : config.providers()) {
            ChatProvider adapter = switch (p.type()) {
                case "openai" -> new OpenAiProvider(p, config.server());
                case "anthropic" -> new AnthropicProvider(p, config.server(), config.credits().defaultOutputTokens());
                case "gemini" -> new GeminiProvider(p, config.server());
                case "mock" -> new MockProvider(p);
                default -> throw new IllegalArgumentException("provider type " + p.type() + " has no adapter");
            };
            out.put(p.name(), adapter);
        }
        return out;
    }
}
