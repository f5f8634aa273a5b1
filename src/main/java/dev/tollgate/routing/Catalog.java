package dev.tollgate.routing;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.provider.ChatProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Public model names and aliases, resolved to ordered candidate deployments. Immutable: built once
 * from a validated config.
 */
public final class Catalog {
    private final Map<String, List<Deployment>> byName = new LinkedHashMap<>();
    private final Map<String, String> ownerByName = new LinkedHashMap<>();
    private final Set<String> providerNames = new LinkedHashSet<>();

    public Catalog(TollgateConfig config, Map<String, ChatProvider> providers) {
        config.providers().forEach(p -> providerNames.add(p.name()));
        for (TollgateConfig.Model m : config.models()) {
            byName.put(m.name(), List.of(new Deployment(m, providers.get(m.provider()))));
            ownerByName.put(m.name(), m.provider());
        }
        config.aliases().forEach((alias, targets) -> {
            List<Deployment> chain = new ArrayList<>();
            for (String t : targets) chain.addAll(byName.get(t));
            byName.put(alias, List.copyOf(chain));
            ownerByName.put(alias, "tollgate");
        });
    }

    /**
     * The candidates for a request, in order: {@code model} (if given), then the {@code models}
     * fallback list (OpenRouter style); aliases expand in place; a deployment appears once.
     *
     * @throws UnknownModelException naming the first unknown name
     */
    public List<Deployment> candidates(String model, List<String> fallbacks) {
        List<String> names = new ArrayList<>();
        if (model != null) names.add(model);
        if (fallbacks != null) names.addAll(fallbacks);
        Set<Deployment> ordered = new LinkedHashSet<>();
        for (String name : names) {
            List<Deployment> d = byName.get(name);
            if (d == null) throw new UnknownModelException(name);
            ordered.addAll(d);
        }
        return List.copyOf(ordered);
    }

    /** The configured provider names, in config order (what a request's {@code provider} preferences may name). */
    public Set<String> providerNames() { return providerNames; }

    /** Public names (models, then aliases) with the provider that owns them ("tollgate" for aliases). */
    public Map<String, String> publicNames() { return ownerByName; }
}
