package dev.tollgate.config;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses a model's {@code price.image}: USD per generated image.
 * <pre>
 * image: { "1024x1024": 0.04, "1024x1792": 0.08, default: 0.04 }
 * image:                                   # or per quality; a quality's table wins for that quality
 *   standard: { "1024x1024": 0.04, default: 0.08 }
 *   hd: { "1024x1024": 0.08, default: 0.12 }
 *   default: 0.04                          # sizes may sit beside the quality tables
 * </pre>
 * A key whose value is a number is a size ({@code WIDTHxHEIGHT}, {@code auto} or {@code default});
 * a key whose value is a mapping is a quality name holding sizes.
 */
final class ImagePriceConfig {
    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,4}x[1-9][0-9]{0,4}|auto|default");
    private static final Pattern QUALITY = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    private ImagePriceConfig() {}

    static TollgateConfig.ImagePrice parse(ConfigNode image) {
        if (!image.isMapping()) {
            throw image.error("must be a mapping of size to USD per image, e.g. { \"1024x1024\": 0.04, default: 0.04 }");
        }
        Map<String, BigDecimal> bySize = new LinkedHashMap<>();
        Map<String, Map<String, BigDecimal>> byQuality = new LinkedHashMap<>();
        for (String key : image.keys()) {
            ConfigNode value = image.child(key);
            if (value.isMapping()) {
                if (!QUALITY.matcher(key).matches()) throw value.error("is not a quality name (lowercase letters, e.g. hd, standard)");
                Map<String, BigDecimal> sizes = sizes(value);
                if (sizes.isEmpty()) throw value.error("must price at least one size");
                byQuality.put(key, sizes);
            } else {
                bySize.put(size(value, key), value.decimal());
            }
        }
        if (bySize.isEmpty() && byQuality.isEmpty()) throw image.error("must price at least one size");
        return new TollgateConfig.ImagePrice(Map.copyOf(bySize), Map.copyOf(byQuality));
    }

    private static Map<String, BigDecimal> sizes(ConfigNode table) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        for (String key : table.keys()) {
            ConfigNode value = table.child(key);
            if (value.isMapping()) throw value.error("must be a number (USD per image)");
            out.put(size(value, key), value.decimal());
        }
        return out;
    }

    private static String size(ConfigNode value, String key) {
        if (!SIZE.matcher(key).matches()) {
            throw value.error("is not an image size (expected WIDTHxHEIGHT such as 1024x1024, auto or default)");
        }
        return key;
    }
}
