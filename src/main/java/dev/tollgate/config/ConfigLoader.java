package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the YAML config (CONTRACT §2), substitutes the environment, and validates everything up front. */
public final class ConfigLoader {
    public static final String DEMO_RESOURCE = "/demo-config.yaml";
    private static final Set<String> PROVIDER_TYPES = Set.of("openai", "anthropic", "gemini", "mock");
    /** Where a provider type lives when base_url is absent; OpenAI-compatible servers must say where they are. */
    private static final Map<String, String> DEFAULT_BASE_URLS = Map.of(
            "anthropic", "https://api.anthropic.com/v1",
            "gemini", "https://generativelanguage.googleapis.com/v1beta");
    /** Headers the JDK client refuses, and the ones carrying keys (api_key is the one place for a key). */
    private static final Set<String> RESERVED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "content-type", "authorization", "x-api-key", "x-goog-api-key");
    /** Types whose API refuses every call without a key, so a missing key is a config error, not a 401 later. */
    private static final Set<String> KEY_REQUIRED_TYPES = Set.of("anthropic", "gemini");

    /** The public name of automatic selection; no model or alias may take it. */
    private static final String AUTO = "auto";
    private static final String AUTO_RESERVED = "'auto' is reserved for automatic model selection (docs/routing.md)";

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public TollgateConfig load(Path file) {
        String source = file.toString();
        if (!Files.isRegularFile(file)) throw new ConfigException(source, "", "file not found");
        try (InputStream in = Files.newInputStream(file)) {
            return parse(source, in);
        } catch (IOException e) {
            throw new ConfigException(source, "", "cannot read: " + e.getMessage());
        }
    }

    public TollgateConfig loadDemo() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEMO_RESOURCE)) {
            return parse("demo config (built in)", in);
        } catch (IOException e) {
            throw new IllegalStateException("demo config missing from the jar", e);
        }
    }

    TollgateConfig parse(String source, InputStream in) throws IOException {
        JsonNode tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ConfigException(source, "", "not valid YAML: " + e.getOriginalMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException(source, "", "is empty");
        }
        ConfigNode root = new ConfigNode(source, "", tree, env);
        root.allowOnly(Set.of("store", "redis", "credits", "server", "providers", "models", "aliases", "plans", "routing",
                "limits", "alerts", "usage", "cache",
                "conversations", "images"));

        List<TollgateConfig.Provider> providers = providers(root.child("providers"));
        List<TollgateConfig.Model> models = models(root.child("models"), providers);
        Map<String, List<String>> aliases = aliases(root.child("aliases"), models);
        return new TollgateConfig(source,
                root.text("store", null),
                redis(root),
                credits(root),
                server(root),
                List.copyOf(providers), List.copyOf(models), aliases,
                RoutingConfig.parse(root, models, aliases),
                PlansConfig.parse(root, models, aliases),
                AlertsConfig.parse(root),
                UsageConfig.parse(root),
                CacheConfig.parse(root),
                StateConfig.parse(root, models, aliases));
    }

    /**
     * {@code redis}, unless {@code TOLLGATE_REDIS_URL} overrides it (CONTRACT §1); null when neither is
     * set, and blank (e.g. {@code ${REDIS_URL:-}}) means "no Redis" as well.
     */
    private String redis(ConfigNode root) {
        String override = env.get("TOLLGATE_REDIS_URL");
        String url = override != null && !override.isBlank() ? override.trim() : root.text("redis", null);
        if (url != null && !url.isBlank() && !url.startsWith("redis://") && !url.startsWith("rediss://")) {
            if (override != null && !override.isBlank()) {
                throw new ConfigException("TOLLGATE_REDIS_URL", "", "must start with redis:// or rediss://");
            }
            throw root.child("redis").error("must start with redis:// or rediss://");
        }
        return url;
    }

    private static TollgateConfig.Credits credits(ConfigNode root) {
        ConfigNode c = root.child("credits");
        if (root.has("credits")) {
            c.allowOnly(Set.of("usd_per_credit", "default_output_tokens", "hold_ttl_ms", "slices", "replica_lease_ms",
                    "durability"));
        }
        BigDecimal usdPerCredit = c.has("usd_per_credit") ? c.child("usd_per_credit").decimal() : new BigDecimal("0.001");
        if (usdPerCredit.signum() == 0) throw c.child("usd_per_credit").error("must be greater than 0");
        int outputTokens = (int) c.longValue("default_output_tokens", 1024, 1);
        long holdTtlMs = c.longValue("hold_ttl_ms", 15 * 60_000, 1_000);
        if (holdTtlMs > 86_400_000) throw c.child("hold_ttl_ms").error("must be at most 86400000 (a day)");
        String slicesRaw = c.text("slices", "true");
        if (!slicesRaw.equals("true") && !slicesRaw.equals("false")) throw c.child("slices").error("must be true or false");
        boolean slices = slicesRaw.equals("true");
        long leaseMs = c.longValue("replica_lease_ms", 5_000, 1_000);
        if (leaseMs > 3_600_000) throw c.child("replica_lease_ms").error("must be at most 3600000 (an hour)");
        String durability = c.text("durability", "sync");
        if (!Set.of("sync", "async").contains(durability)) {
            throw c.child("durability").error("must be 'sync' or 'async', got '" + durability + "'");
        }
        return new TollgateConfig.Credits(usdPerCredit, outputTokens, holdTtlMs, slices, leaseMs, durability.equals("async"));
    }

    private static TollgateConfig.Server server(ConfigNode root) {
        ConfigNode s = root.child("server");
        if (root.has("server")) {
            s.allowOnly(Set.of("max_body_bytes", "upstream_connect_timeout_ms", "upstream_timeout_ms",
                    "stream_idle_timeout_ms", "key_cache_ttl_ms", "upstream_client", "cors"));
        }
        String upstreamClient = s.text("upstream_client", "lean");
        if (!Set.of("jdk", "helidon", "lean").contains(upstreamClient)) {
            throw s.child("upstream_client").error("must be 'lean', 'helidon' or 'jdk', got '" + upstreamClient + "'");
        }
        return new TollgateConfig.Server(
                s.longValue("max_body_bytes", 4L * 1024 * 1024, 1024),
                s.longValue("upstream_connect_timeout_ms", 5_000, 1),
                s.longValue("upstream_timeout_ms", 120_000, 1),
                s.longValue("stream_idle_timeout_ms", 60_000, 1),
                s.longValue("key_cache_ttl_ms", 2_000, 0),
                upstreamClient,
                corsOrigins(s.child("cors")));
    }

    /** {@code server.cors.allowed_origins}: exact origins ({@code scheme://host[:port]}, no path), or "*"; default none. */
    private static List<String> corsOrigins(ConfigNode cors) {
        if (cors.isMapping()) cors.allowOnly(Set.of("allowed_origins"));
        List<String> out = new ArrayList<>();
        for (ConfigNode o : cors.child("allowed_origins").list()) {
            String origin = o.text();
            if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                throw o.error("must be an origin like https://app.example.com (scheme, host, optional port; no path) or \"*\", got '" + origin + "'");
            }
            out.add(origin);
        }
        return List.copyOf(out);
    }

    private static List<TollgateConfig.Provider> providers(ConfigNode list) {
        List<TollgateConfig.Provider> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode p : list.list()) {
            p.allowOnly(Set.of("name", "type", "base_url", "api_key", "rpm", "monthly_token_budget",
                    "monthly_usd_budget", "latency_ms", "chunk_delay_ms", "headers"));
            String name = p.requiredText("name");
            if (!names.add(name)) throw p.child("name").error("duplicate provider name '" + name + "'");
            String type = p.requiredText("type");
            if (!PROVIDER_TYPES.contains(type)) {
                throw p.child("type").error("unknown provider type '" + type + "' (expected openai, anthropic, gemini or mock)");
            }
            String baseUrl = p.text("base_url", DEFAULT_BASE_URLS.get(type));
            if (!type.equals("mock")) {
                if (baseUrl == null) throw p.child("base_url").error("is required for type " + type);
                if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
                    throw p.child("base_url").error("must start with http:// or https://");
                }
                while (baseUrl.endsWith("/")) baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
            }
            String apiKey = KEY_REQUIRED_TYPES.contains(type) ? p.requiredText("api_key") : p.text("api_key", null);
            Long rpm = p.optionalLong("rpm", 1);
            out.add(new TollgateConfig.Provider(name, type, baseUrl, apiKey,
                    rpm == null ? null : rpm.intValue(), p.optionalLong("monthly_token_budget", 1), usdBudget(p),
                    p.longValue("latency_ms", 0, 0), p.longValue("chunk_delay_ms", 0, 0), headers(p, type)));
        }
        return out;
    }

    /** {@code monthly_usd_budget}: optional, a positive USD amount. */
    private static BigDecimal usdBudget(ConfigNode provider) {
        if (!provider.has("monthly_usd_budget")) return null;
        BigDecimal usd = provider.child("monthly_usd_budget").decimal();
        if (usd.signum() == 0) throw provider.child("monthly_usd_budget").error("must be greater than 0");
        return usd;
    }

    /** Extra headers: a mapping of header name to value, values substituted from the environment. */
    private static Map<String, String> headers(ConfigNode provider, String type) {
        if (!provider.has("headers")) return Map.of();
        ConfigNode node = provider.child("headers");
        // only the anthropic and gemini adapters send them so far; accepting and ignoring them would mislead
        if (!KEY_REQUIRED_TYPES.contains(type)) throw node.error("is supported for types anthropic and gemini only");
        node.requireObject();
        Map<String, String> out = new LinkedHashMap<>();
        for (String header : node.keys()) {
            if (!header.matches("[A-Za-z0-9-]+")) throw node.child(header).error("is not a valid header name");
            if (RESERVED_HEADERS.contains(header.toLowerCase(java.util.Locale.ROOT))) {
                throw node.child(header).error("is set by the HTTP client or the adapter and cannot be configured");
            }
            out.put(header, node.child(header).text());
        }
        return Map.copyOf(out);
    }

    private static List<TollgateConfig.Model> models(ConfigNode list, List<TollgateConfig.Provider> providers) {
        List<TollgateConfig.Model> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> providerNames = new HashSet<>();
        providers.forEach(p -> providerNames.add(p.name()));
        for (ConfigNode m : list.list()) {
            m.allowOnly(Set.of("name", "provider", "upstream", "price", "context_window", "capabilities"));
            String name = m.requiredText("name");
            if (name.equals(AUTO)) throw m.child("name").error(AUTO_RESERVED);
            if (!names.add(name)) throw m.child("name").error("duplicate model name '" + name + "'");
            String provider = m.requiredText("provider");
            if (!providerNames.contains(provider)) {
                throw m.child("provider").error("no provider named '" + provider + "' (providers: "
                        + String.join(", ", providerNames.stream().sorted().toList()) + ")");
            }
            boolean free = false;
            TollgateConfig.Price price;
            if (!m.has("price")) {
                throw m.child("price").error("is required: a model without a price would bill nothing"
                        + " (write 'price: free' to serve it at no charge)");
            }
            ConfigNode p = m.child("price");
            if (p.isText() && p.text().equals("free")) {
                free = true;
                price = TollgateConfig.Price.FREE;
            } else {
                p.allowOnly(Set.of("input", "output", "cached_input", "cache_write", "cache_write_1h", "image"));
                TollgateConfig.ImagePrice image = p.has("image") ? ImagePriceConfig.parse(p.child("image")) : null;
                BigDecimal tokenDefault = image != null ? BigDecimal.ZERO : null; // an image model may omit token prices
                BigDecimal input = p.has("input") ? p.child("input").decimal() : tokenDefault;
                BigDecimal output = p.has("output") ? p.child("output").decimal() : tokenDefault;
                if (input == null) throw p.child("input").error("is required (USD per 1M input tokens)");
                if (output == null) throw p.child("output").error("is required (USD per 1M output tokens)");
                BigDecimal cached = p.has("cached_input") ? p.child("cached_input").decimal() : input;
                BigDecimal write = p.has("cache_write") ? p.child("cache_write").decimal() : input;
                BigDecimal write1h = p.has("cache_write_1h") ? p.child("cache_write_1h").decimal() : write;
                price = new TollgateConfig.Price(input, output, cached, image, write, write1h);
            }
            Long window = m.optionalLong("context_window", 1);
            out.add(new TollgateConfig.Model(name, provider, m.text("upstream", name), price, free,
                    window == null ? null : window.intValue(), capabilities(m)));
        }
        return out;
    }

    /** {@code capabilities}: absent means all (null); a list (possibly empty) names exactly what the model can do. */
    private static Set<String> capabilities(ConfigNode model) {
        if (!model.has("capabilities")) return null;
        ConfigNode list = model.child("capabilities");
        Set<String> out = new java.util.LinkedHashSet<>();
        for (ConfigNode c : list.list()) {
            String capability = c.text();
            if (!TollgateConfig.Model.CAPABILITIES.contains(capability)) {
                throw c.error("unknown capability '" + capability + "' (expected one of "
                        + String.join(", ", TollgateConfig.Model.CAPABILITIES) + ")");
            }
            if (!out.add(capability)) throw c.error("'" + capability + "' is listed twice");
        }
        return Set.copyOf(out);
    }

    private static Map<String, List<String>> aliases(ConfigNode node, List<TollgateConfig.Model> models) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Set<String> modelNames = new HashSet<>();
        models.forEach(m -> modelNames.add(m.name()));
        for (String alias : node.keys()) {
            ConfigNode chain = node.child(alias);
            if (modelNames.contains(alias)) throw chain.error("alias has the same name as a model");
            if (alias.equals(AUTO)) throw chain.error(AUTO_RESERVED);
            List<String> targets = new ArrayList<>();
            for (ConfigNode t : chain.list()) {
                String target = t.text();
                if (!modelNames.contains(target)) throw t.error("no model named '" + target + "'");
                targets.add(target);
            }
            if (targets.isEmpty()) throw chain.error("must list at least one model");
            out.put(alias, List.copyOf(targets));
        }
        return out;
    }
}
