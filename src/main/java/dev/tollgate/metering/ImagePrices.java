package dev.tollgate.metering;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * USD per generated image, by size and optionally by quality, as configured under a model's
 * {@code price.image}. Sizes are keys such as {@code "1024x1024"}; {@code "default"} prices every
 * size not listed (and a request without {@code size}). A quality table ({@code hd}, {@code standard},
 * ...) overrides the quality-independent sizes for requests of that quality.
 *
 * <p>Lookup order for (quality, size): quality table[size], quality table[default], sizes[size],
 * sizes[default]. No match means the combination is not priced and the request is refused: nothing
 * is ever billed at an implied zero.
 */
public record ImagePrices(Map<String, BigDecimal> bySize, Map<String, Map<String, BigDecimal>> byQuality) {
    public static final String DEFAULT = "default";

    public ImagePrices {
        bySize = sorted(Objects.requireNonNull(bySize, "bySize"));
        TreeMap<String, Map<String, BigDecimal>> qualities = new TreeMap<>();
        Objects.requireNonNull(byQuality, "byQuality").forEach((q, sizes) -> qualities.put(q, sorted(sizes)));
        byQuality = java.util.Collections.unmodifiableMap(qualities);
        if (bySize.isEmpty() && byQuality.values().stream().allMatch(Map::isEmpty)) {
            throw new IllegalArgumentException("an image price needs at least one size");
        }
    }

    /** USD per image for {@code size} (null: not given) at {@code quality} (null: not given). */
    public Optional<BigDecimal> usdPerImage(String quality, String size) {
        Map<String, BigDecimal> table = quality == null ? null : byQuality.get(quality);
        if (table != null) {
            BigDecimal p = lookup(table, size);
            if (p != null) return Optional.of(p);
        }
        return Optional.ofNullable(lookup(bySize, size));
    }

    /** Stable text for the price version: every entry, sorted, decimals normalised. */
    public String canonical() {
        StringBuilder sb = new StringBuilder();
        bySize.forEach((size, usd) -> append(sb, "*", size, usd));
        byQuality.forEach((q, sizes) -> sizes.forEach((size, usd) -> append(sb, q, size, usd)));
        return sb.toString();
    }

    private static BigDecimal lookup(Map<String, BigDecimal> table, String size) {
        BigDecimal p = size == null ? null : table.get(size);
        return p != null ? p : table.get(DEFAULT);
    }

    private static void append(StringBuilder sb, String quality, String size, BigDecimal usd) {
        if (!sb.isEmpty()) sb.append(',');
        sb.append(quality).append(':').append(size).append('=')
                .append(usd.signum() == 0 ? "0" : usd.stripTrailingZeros().toPlainString());
    }

    private static Map<String, BigDecimal> sorted(Map<String, BigDecimal> in) {
        TreeMap<String, BigDecimal> out = new TreeMap<>();
        in.forEach((k, v) -> {
            Objects.requireNonNull(v, "price of " + k);
            if (v.signum() < 0) throw new IllegalArgumentException("image price of " + k + " must not be negative");
            out.put(k, v);
        });
        return java.util.Collections.unmodifiableMap(out);
    }
}
