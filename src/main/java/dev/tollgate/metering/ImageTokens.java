package dev.tollgate.metering;

import java.util.Locale;

/**
 * The most prompt tokens one input image can cost. Image size is not known without fetching and
 * decoding the image, which a hold must not wait for, so every image is charged its model's maximum.
 * Figures from the providers' published formulas (2025):
 * <ul>
 *   <li>OpenAI tiles: the image is fitted into 2048×2048, then its short side to 768, so at most
 *       2×4 = 8 tiles of 512. gpt-4o/4.1: 85 + 8×170 = 1,445; o1/o3: 75 + 8×150 = 1,275;
 *       gpt-5: 70 + 8×140 = 1,190.</li>
 *   <li>OpenAI patches (gpt-4.1-mini/nano, o4-mini): at most 1,536 patches × a multiplier of at
 *       most 2.46 = 3,779.</li>
 *   <li>gpt-4o-mini bills images as 2,833 + 8×5,667 = 48,169 tokens (its token price is lower,
 *       so it counts more tokens for the same money).</li>
 *   <li>Anthropic: images are resized to about 1.15 megapixels, about 1,600 tokens.</li>
 *   <li>Gemini 3: at most 1,120 tokens per image at high media resolution. Gemini 2.x tiles large
 *       images into 768×768 tiles of 258 tokens with no published cap; {@link #DEFAULT} covers
 *       images up to 15 tiles (for example 2304×3840).</li>
 * </ul>
 */
final class ImageTokens {
    /** Covers every model listed above except gpt-4o-mini. */
    static final long DEFAULT = 4_096;
    /** gpt-4o-mini's high-detail maximum; the bound for an image when the model is not known. */
    static final long MAX_KNOWN = 48_169;

    private ImageTokens() {}

    static long upperBound(String upstreamModelId) {
        if (upstreamModelId == null) return MAX_KNOWN;
        String id = upstreamModelId.toLowerCase(Locale.ROOT);
        return id.contains("gpt-4o-mini") ? MAX_KNOWN : DEFAULT;
    }
}
