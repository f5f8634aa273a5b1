package dev.tollgate.metering;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The prices one model is charged at, as configured: USD per 1M tokens plus the credit rate.
 *
 * <p>The configured decimals are kept as they are (not pre-divided into µcr per token) because
 * {@code usd_per_credit} need not divide them evenly (0.003 gives 0.15 / 0.003 = 50, but 0.1 / 0.003
 * never terminates). {@link Cost} sums tokens × USD exactly and divides by the credit rate once, so a
 * charge is exact for any rate. The µcr-per-token getters are for display and estimates.
 *
 * <p>{@link #version()} names these exact numbers; every charge records it so it can be re-derived.
 * New price kinds (per image, per request) are added as components and appended to
 * {@link #canonical()} only when set, so versions of existing prices do not change: {@code image}
 * (USD per generated image, by size and quality) is null unless configured; {@code cacheWrite} and
 * {@code cacheWrite1h} (prompt-cache writes) appear only when they differ from the input price.
 */
public record ModelPrice(
        String model,
        BigDecimal inputUsdPer1M,
        BigDecimal cachedInputUsdPer1M,
        BigDecimal outputUsdPer1M,
        BigDecimal usdPerCredit,
        boolean free,
        ImagePrices image,
        BigDecimal cacheWriteUsdPer1M,
        BigDecimal cacheWrite1hUsdPer1M) {

    /** Enough digits that a display value never differs visibly from the exact quotient. */
    private static final MathContext DISPLAY = new MathContext(20, RoundingMode.CEILING);
    private static final int VERSION_HEX_CHARS = 12;

    public ModelPrice {
        Objects.requireNonNull(model, "model");
        requireNonNegative(inputUsdPer1M, "inputUsdPer1M");
        requireNonNegative(cachedInputUsdPer1M, "cachedInputUsdPer1M");
        requireNonNegative(outputUsdPer1M, "outputUsdPer1M");
        Objects.requireNonNull(usdPerCredit, "usdPerCredit");
        if (usdPerCredit.signum() <= 0) throw new IllegalArgumentException("usdPerCredit must be > 0");
        if (free && (inputUsdPer1M.signum() != 0 || cachedInputUsdPer1M.signum() != 0
                || outputUsdPer1M.signum() != 0)) {
            throw new IllegalArgumentException("a free model cannot carry prices: " + model);
        }
        if (free && image != null) throw new IllegalArgumentException("a free model cannot carry image prices: " + model);
        requireNonNegative(cacheWriteUsdPer1M, "cacheWriteUsdPer1M");
        requireNonNegative(cacheWrite1hUsdPer1M, "cacheWrite1hUsdPer1M");
        if (free && (cacheWriteUsdPer1M.signum() != 0 || cacheWrite1hUsdPer1M.signum() != 0)) {
            throw new IllegalArgumentException("a free model cannot carry prices: " + model);
        }
    }

    /** Prompt-cache writes at the plain input price (the price book's default). */
    public ModelPrice(String model, BigDecimal inputUsdPer1M, BigDecimal cachedInputUsdPer1M,
                      BigDecimal outputUsdPer1M, BigDecimal usdPerCredit, boolean free, ImagePrices image) {
        this(model, inputUsdPer1M, cachedInputUsdPer1M, outputUsdPer1M, usdPerCredit, free, image, inputUsdPer1M,
                inputUsdPer1M);
    }

    /** A token-priced model without image prices. */
    public ModelPrice(String model, BigDecimal inputUsdPer1M, BigDecimal cachedInputUsdPer1M,
                      BigDecimal outputUsdPer1M, BigDecimal usdPerCredit, boolean free) {
        this(model, inputUsdPer1M, cachedInputUsdPer1M, outputUsdPer1M, usdPerCredit, free, (ImagePrices) null);
    }

    /** The dearest price a prompt token can be billed at (input, cached input, either cache write): holds use it. */
    public BigDecimal dearestPromptUsdPer1M() {
        return inputUsdPer1M.max(cachedInputUsdPer1M).max(cacheWriteUsdPer1M).max(cacheWrite1hUsdPer1M);
    }

    /** µcr per input token: USD/1M ÷ USD/credit (the two factors of 1M cancel). */
    public BigDecimal inputMicrosPerToken() {
        return perToken(inputUsdPer1M);
    }

    public BigDecimal cachedInputMicrosPerToken() {
        return perToken(cachedInputUsdPer1M);
    }

    public BigDecimal outputMicrosPerToken() {
        return perToken(outputUsdPer1M);
    }

    /**
     * The text the version hashes. Decimals are normalised (0.150 and 0.15 are the same price), so
     * reformatting the config does not create a new version. A store of price versions keeps this.
     */
    public String canonical() {
        return "v1|" + model + "|in=" + plain(inputUsdPer1M) + "|cached=" + plain(cachedInputUsdPer1M)
                + "|out=" + plain(outputUsdPer1M) + "|usd_per_credit=" + plain(usdPerCredit)
                + (free ? "|free" : "")
                + (image != null ? "|image=" + image.canonical() : "")
                // cache-write prices appear only when they differ from input: versions of existing prices stay
                + (cacheWriteUsdPer1M.compareTo(inputUsdPer1M) != 0 ? "|cache_write=" + plain(cacheWriteUsdPer1M) : "")
                + (cacheWrite1hUsdPer1M.compareTo(inputUsdPer1M) != 0 ? "|cache_write_1h=" + plain(cacheWrite1hUsdPer1M) : "");
    }

    /** A short, stable id for these exact prices, e.g. {@code p-3f9a0c12be47}. */
    public String version() {
        // every billed request names its price version: a hash of the canonical form, computed once per price
        return VERSIONS.computeIfAbsent(this, ModelPrice::hashVersion);
    }

    /** Versions by price (equal prices have equal canonical forms, so equal versions); prices come from config. */
    private static final ConcurrentMap<ModelPrice, String> VERSIONS = new ConcurrentHashMap<>();

    private String hashVersion() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical().getBytes(StandardCharsets.UTF_8));
            return "p-" + HexFormat.of().formatHex(digest).substring(0, VERSION_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }

    private BigDecimal perToken(BigDecimal usdPer1M) {
        BigDecimal exact;
        try {
            exact = usdPer1M.divide(usdPerCredit);
        } catch (ArithmeticException nonTerminating) {
            exact = usdPer1M.divide(usdPerCredit, DISPLAY);
        }
        return exact.signum() == 0 ? BigDecimal.ZERO : exact.stripTrailingZeros();
    }

    private static String plain(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static void requireNonNegative(BigDecimal d, String name) {
        Objects.requireNonNull(d, name);
        if (d.signum() < 0) throw new IllegalArgumentException(name + " must not be negative");
    }
}
