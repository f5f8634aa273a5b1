package dev.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImagePricesTest {
    static final ImagePrices PRICES = new ImagePrices(
            Map.of("1024x1024", new BigDecimal("0.04"), "default", new BigDecimal("0.050")),
            Map.of("hd", Map.of("1024x1024", new BigDecimal("0.08")), "low", Map.of("default", new BigDecimal("0.01"))));

    static ModelPrice price(ImagePrices image, String usdPerCredit) {
        return new ModelPrice("img", BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, new BigDecimal(usdPerCredit), false, image);
    }

    @Test
    void lookupOrderIsQualitySizeThenQualityDefaultThenSizeThenDefault() {
        assertThat(PRICES.usdPerImage("hd", "1024x1024")).contains(new BigDecimal("0.08"));
        assertThat(PRICES.usdPerImage("hd", "1792x1024")).contains(new BigDecimal("0.050")); // no hd default: top default
        assertThat(PRICES.usdPerImage("low", "1024x1024")).contains(new BigDecimal("0.01"));
        assertThat(PRICES.usdPerImage(null, "1024x1024")).contains(new BigDecimal("0.04"));
        assertThat(PRICES.usdPerImage("standard", "1024x1024")).contains(new BigDecimal("0.04"));
        assertThat(PRICES.usdPerImage(null, null)).contains(new BigDecimal("0.050"));
        ImagePrices strict = new ImagePrices(Map.of("1024x1024", BigDecimal.ONE), Map.of());
        assertThat(strict.usdPerImage(null, "512x512")).isEmpty();
        assertThat(strict.usdPerImage(null, null)).isEmpty();
    }

    /** Existing price versions must not change because image prices exist as a concept. */
    @Test
    void versionChangesOnlyWhenImagePricesAreSet() {
        ModelPrice tokens = new ModelPrice("gpt-4o", new BigDecimal("2.5"), new BigDecimal("1.25"), BigDecimal.TEN,
                new BigDecimal("0.001"), false);
        assertThat(tokens.canonical()).isEqualTo("v1|gpt-4o|in=2.5|cached=1.25|out=10|usd_per_credit=0.001");
        assertThat(tokens.image()).isNull();
        ModelPrice withImage = price(PRICES, "0.001");
        assertThat(withImage.canonical()).endsWith(
                "|image=*:1024x1024=0.04,*:default=0.05,hd:1024x1024=0.08,low:default=0.01");
        ModelPrice reformatted = price(new ImagePrices(
                Map.of("1024x1024", new BigDecimal("0.0400"), "default", new BigDecimal("0.05")),
                Map.of("low", Map.of("default", new BigDecimal("0.010")), "hd", Map.of("1024x1024", new BigDecimal("0.080")))), "0.001");
        assertThat(reformatted.version()).isEqualTo(withImage.version());
        ModelPrice dearer = price(new ImagePrices(Map.of("1024x1024", new BigDecimal("0.041"), "default", new BigDecimal("0.05")),
                PRICES.byQuality()), "0.001");
        assertThat(dearer.version()).isNotEqualTo(withImage.version());
    }

    @Test
    void imageCostIsRoundedUpOncePerRequest() {
        ModelPrice p = price(PRICES, "0.001");
        assertThat(Cost.imageMicros(p, new BigDecimal("0.04"), 3)).isEqualTo(120_000_000); // 3 × 40 credits
        assertThat(Cost.imageMicros(p, new BigDecimal("0.0000001234"), 3)).isEqualTo(371); // 370.2 → 371, not 3 × 124
        assertThat(Cost.imageMicros(p, new BigDecimal("0.04"), 0)).isZero();
        ModelPrice thirds = price(PRICES, "0.003"); // $0.01 / $0.003 does not terminate
        assertThat(Cost.imageMicros(thirds, new BigDecimal("0.01"), 1)).isEqualTo(3_333_334);
        assertThat(Cost.imageMicros(thirds, new BigDecimal("0.01"), 3)).isEqualTo(10_000_000);
    }

    @Test
    void freeModelsCannotCarryImagePricesAndNegativePricesAreRefused() {
        assertThatThrownBy(() -> new ModelPrice("f", BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ONE, true, PRICES))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImagePrices(Map.of("default", new BigDecimal("-1")), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImagePrices(Map.of(), Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
