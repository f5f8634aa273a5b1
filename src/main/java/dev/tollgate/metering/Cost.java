package dev.tollgate.metering;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Turns usage into micro-credits (µcr, 1 credit = 1,000,000 µcr).
 *
 * <p>The sum over all token kinds is formed exactly in {@link BigDecimal} and rounded up once, at
 * the end: rounding each component would overcharge by up to 2 µcr per request, and rounding down
 * anywhere would let many tiny requests go unbilled.
 */
public final class Cost {
    private static final int MICROS_SCALE = 6;

    private Cost() {}

    /**
     * ceil((prompt − cached − writes) × input + cached × cachedInput + writes × cacheWrite
     * + writes1h × cacheWrite1h + completion × output) in µcr.
     */
    public static long costMicros(ModelPrice price, Usage usage) {
        if (price.free()) return 0;
        long uncached = usage.promptTokens() - usage.cachedPromptTokens() - usage.allCacheWriteTokens();
        // tokens × USD per 1M tokens = USD × 1M; ÷ USD per credit = credits × 1M = µcr.
        BigDecimal usdTimesMillion = BigDecimal.valueOf(uncached).multiply(price.inputUsdPer1M())
                .add(BigDecimal.valueOf(usage.cachedPromptTokens()).multiply(price.cachedInputUsdPer1M()))
                .add(BigDecimal.valueOf(usage.cacheWriteTokens()).multiply(price.cacheWriteUsdPer1M()))
                .add(BigDecimal.valueOf(usage.cacheWrite1hTokens()).multiply(price.cacheWrite1hUsdPer1M()))
                .add(BigDecimal.valueOf(usage.completionTokens()).multiply(price.outputUsdPer1M()));
        return usdTimesMillion.divide(price.usdPerCredit(), 0, RoundingMode.CEILING).longValueExact();
    }

    /**
     * What prompt caching saved on this request (OpenRouter's {@code cache_discount}): the cost with every prompt
     * token at the input price minus the real cost, in µcr. Negative when writes cost more than the reads saved.
     */
    public static long cacheDiscountMicros(ModelPrice price, Usage usage) {
        if (price.free() || usage.cachedPromptTokens() + usage.allCacheWriteTokens() == 0) return 0;
        return costMicros(price, usage.uncached()) - costMicros(price, usage);
    }

    /**
     * The most a request can cost: every prompt token at the dearest price a prompt token can have
     * (input, cached input, a 5-minute or 1-hour cache write: a cache write costs up to 2× the input
     * price, and the hold must cover a prompt written to the cache whole), plus the output cap at the
     * output price. This is what a hold reserves.
     */
    public static long worstCaseMicros(ModelPrice price, long promptTokensUpperBound, long maxOutputTokens) {
        if (price.free()) return 0;
        BigDecimal usdTimesMillion = BigDecimal.valueOf(promptTokensUpperBound).multiply(price.dearestPromptUsdPer1M())
                .add(BigDecimal.valueOf(maxOutputTokens).multiply(price.outputUsdPer1M()));
        return usdTimesMillion.divide(price.usdPerCredit(), 0, RoundingMode.CEILING).longValueExact();
    }

    /**
     * ceil(images × USD per image ÷ usd_per_credit × 1,000,000) µcr: formed exactly and rounded up
     * once per request, so ten images at a price that is not a whole µcr cost at most 1 µcr extra.
     */
    public static long imageMicros(ModelPrice price, BigDecimal usdPerImage, long images) {
        if (price.free()) return 0;
        if (images < 0) throw new IllegalArgumentException("images must not be negative: " + images);
        return BigDecimal.valueOf(images).multiply(usdPerImage).movePointRight(MICROS_SCALE)
                .divide(price.usdPerCredit(), 0, RoundingMode.CEILING).longValueExact();
    }

    /** Credits as a plain decimal string: 1234567 → "1.234567", 1500000 → "1.5", 0 → "0". */
    public static String toCredits(long micros) {
        return toCreditsDecimal(micros).toPlainString();
    }

    /** Credits as a number for JSON bodies; never in exponent form (scale ≥ 0). */
    public static BigDecimal toCreditsDecimal(long micros) {
        if (micros == 0) return BigDecimal.ZERO;
        BigDecimal credits = BigDecimal.valueOf(micros, MICROS_SCALE).stripTrailingZeros();
        return credits.scale() < 0 ? credits.setScale(0) : credits;
    }
}
