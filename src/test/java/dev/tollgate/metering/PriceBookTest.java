package dev.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceBookTest {

    @Test
    void demoConfigPricesConvertToMicroCreditsPerToken() {
        PriceBook book = new PriceBook(new ConfigLoader(Map.of()).loadDemo());
        ModelPrice small = book.price("mock-small");
        // $0.15 per 1M tokens at $0.001 per credit = 0.00015 credits = 150 µcr per token
        assertThat(small.inputMicrosPerToken()).isEqualByComparingTo("150");
        assertThat(small.cachedInputMicrosPerToken()).isEqualByComparingTo("75");
        assertThat(small.outputMicrosPerToken()).isEqualByComparingTo("600");
        assertThat(small.free()).isFalse();
        assertThat(book.defaultOutputTokens()).isEqualTo(1024);
        assertThat(book.all()).extracting(ModelPrice::model).containsExactlyInAnyOrder("mock-small", "mock-large");
    }

    @Test
    void unknownModelFailsLoudlyInsteadOfBillingNothing() {
        PriceBook book = new PriceBook(new ConfigLoader(Map.of()).loadDemo());
        assertThatThrownBy(() -> book.price("gpt-9")).hasMessageContaining("gpt-9");
    }

    @Test
    void freeModelKeepsItsFlag() {
        PriceBook book = new PriceBook(config("0.001", new TollgateConfig.Model("local", "mock", "local",
                TollgateConfig.Price.FREE, true, null)));
        assertThat(book.price("local").free()).isTrue();
        assertThat(Cost.costMicros(book.price("local"), Usage.of(1_000, 1_000))).isZero();
    }

    @Test
    void versionIdentifiesTheExactPricesAndIgnoresFormatting() {
        ModelPrice base = price("gpt-4o", "2.5", "1.25", "10", "0.001");
        assertThat(base.version()).matches("p-[0-9a-f]{12}");
        assertThat(price("gpt-4o", "2.50", "1.250", "10.0", "0.0010").version()).isEqualTo(base.version());
        assertThat(price("gpt-4o", "2.5", "1.25", "10", "0.001").version()).isEqualTo(base.version());

        assertThat(price("gpt-4o-2", "2.5", "1.25", "10", "0.001").version()).isNotEqualTo(base.version());
        assertThat(price("gpt-4o", "2.6", "1.25", "10", "0.001").version()).isNotEqualTo(base.version());
        assertThat(price("gpt-4o", "2.5", "1.3", "10", "0.001").version()).isNotEqualTo(base.version());
        assertThat(price("gpt-4o", "2.5", "1.25", "10.000001", "0.001").version()).isNotEqualTo(base.version());
        assertThat(price("gpt-4o", "2.5", "1.25", "10", "0.002").version()).isNotEqualTo(base.version());
        assertThat(base.canonical()).isEqualTo("v1|gpt-4o|in=2.5|cached=1.25|out=10|usd_per_credit=0.001");
    }

    @Test
    void nonTerminatingRatesStillGiveUsableDisplayPrices() {
        ModelPrice p = price("m", "0.1", "0.1", "0.1", "0.003"); // 33.333… µcr per token
        assertThat(p.inputMicrosPerToken()).isGreaterThan(new BigDecimal("33.3333333333"))
                .isLessThan(new BigDecimal("33.3333333334"));
        assertThat(Cost.costMicros(p, Usage.of(3, 0))).isEqualTo(100); // exact: 0.3 / 0.003
    }

    private static ModelPrice price(String model, String in, String cached, String out, String usdPerCredit) {
        PriceBook book = new PriceBook(config(usdPerCredit, new TollgateConfig.Model(model, "mock", model,
                new TollgateConfig.Price(new BigDecimal(in), new BigDecimal(out), new BigDecimal(cached)),
                false, null)));
        return book.price(model);
    }

    private static TollgateConfig config(String usdPerCredit, TollgateConfig.Model model) {
        return new TollgateConfig("test", null, null,
                new TollgateConfig.Credits(new BigDecimal(usdPerCredit), 1024, 900_000), null,
                List.of(), List.of(model), Map.of());
    }
}
