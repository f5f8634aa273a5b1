package dev.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CostTest {
    private static final int CASES = 20_000;
    private static final long MAX_TOKENS = 200_000_000L;

    @Test
    void costEqualsIndependentOracleForRandomPricesRatesAndUsage() {
        Random random = new Random(20260101L);
        for (int i = 0; i < CASES; i++) {
            ModelPrice price = randomPrice(random);
            Usage usage = randomUsage(random);
            assertThat(Cost.costMicros(price, usage)).as("case %d: %s %s", i, price, usage)
                    .isEqualTo(oracleMicros(price, usage));
        }
    }

    @Test
    void roundsUpOnceForTheWholeRequestNotPerComponent() {
        // 1 credit = $1: 0.15 µcr per input token and 0.6 per output token; exact total 0.75 µcr.
        ModelPrice price = price("0.15", "0.075", "0.60", "1");
        assertThat(Cost.costMicros(price, Usage.of(1, 1))).isEqualTo(1);

        Random random = new Random(7L);
        int casesWherePerComponentRoundingWouldOvercharge = 0;
        for (int i = 0; i < CASES; i++) {
            ModelPrice p = randomPrice(random);
            Usage u = randomUsage(random);
            long once = Cost.costMicros(p, u);
            long perComponent = ceilMicros(p, u.promptTokens() - u.cachedPromptTokens(), p.inputUsdPer1M())
                    + ceilMicros(p, u.cachedPromptTokens(), p.cachedInputUsdPer1M())
                    + ceilMicros(p, u.completionTokens(), p.outputUsdPer1M());
            assertThat(once).isLessThanOrEqualTo(perComponent);
            if (once < perComponent) casesWherePerComponentRoundingWouldOvercharge++;
        }
        assertThat(casesWherePerComponentRoundingWouldOvercharge).isGreaterThan(CASES / 10);
    }

    @Test
    void roundsUpAnyFractionOfAMicroCredit() {
        // $0.000001 per 1M tokens at 1 credit = $1: one token costs 1e-6 µcr, still billed 1 µcr.
        ModelPrice price = price("0.000001", "0.000001", "0.000001", "1");
        assertThat(Cost.costMicros(price, Usage.of(1, 0))).isEqualTo(1);
        assertThat(Cost.costMicros(price, Usage.of(0, 0))).isZero();
    }

    @Test
    void demoPricesGiveTheHandComputedCharge() {
        // mock-small at 1 credit = $0.001: (800 × 0.15 + 200 × 0.075 + 500 × 0.60) / 0.001 = 435,000 µcr.
        ModelPrice price = price("0.15", "0.075", "0.60", "0.001");
        long micros = Cost.costMicros(price, new Usage(1_000, 200, 500, 100));
        assertThat(micros).isEqualTo(435_000);
        assertThat(Cost.toCredits(micros)).isEqualTo("0.435");
    }

    @Test
    void costIsMonotoneInEveryTokenCount() {
        Random random = new Random(99L);
        for (int i = 0; i < CASES; i++) {
            ModelPrice p = randomPrice(random);
            Usage u = randomUsage(random);
            long base = Cost.costMicros(p, u);
            long d = 1 + random.nextLong(1_000_000);
            long prompt = u.promptTokens(), cached = u.cachedPromptTokens();
            long completion = u.completionTokens(), reasoning = u.reasoningTokens();
            assertThat(Cost.costMicros(p, new Usage(prompt + d, cached, completion, reasoning))).isGreaterThanOrEqualTo(base);
            assertThat(Cost.costMicros(p, new Usage(prompt + d, cached + d, completion, reasoning))).isGreaterThanOrEqualTo(base);
            assertThat(Cost.costMicros(p, new Usage(prompt, cached, completion + d, reasoning))).isGreaterThanOrEqualTo(base);
            // reasoning tokens are part of the completion, already priced as output
            assertThat(Cost.costMicros(p, new Usage(prompt, cached, completion + d, reasoning + d)))
                    .isEqualTo(Cost.costMicros(p, new Usage(prompt, cached, completion + d, reasoning)));
        }
    }

    @Test
    void cachedTokensArePricedAtTheCachedInputPrice() {
        ModelPrice price = price("2", "0.5", "8", "0.001"); // 2000, 500, 8000 µcr per token
        assertThat(Cost.costMicros(price, new Usage(10, 0, 0, 0))).isEqualTo(20_000);
        assertThat(Cost.costMicros(price, new Usage(10, 10, 0, 0))).isEqualTo(5_000);
        assertThat(Cost.costMicros(price, new Usage(10, 4, 1, 0))).isEqualTo(6 * 2_000 + 4 * 500 + 8_000);
    }

    @Test
    void freeModelsCostNothingWhateverTheUsage() {
        ModelPrice free = new ModelPrice("local", BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                new BigDecimal("0.001"), true);
        Random random = new Random(3L);
        for (int i = 0; i < 1_000; i++) {
            Usage u = randomUsage(random);
            assertThat(Cost.costMicros(free, u)).isZero();
            assertThat(Cost.worstCaseMicros(free, u.promptTokens(), u.completionTokens())).isZero();
        }
        assertThatThrownBy(() -> new ModelPrice("x", BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE,
                BigDecimal.ONE, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void worstCaseCoversEveryUsageWithinTheBounds() {
        Random random = new Random(11L);
        for (int i = 0; i < CASES; i++) {
            ModelPrice p = randomPrice(random);
            Usage u = randomUsage(random);
            long worst = Cost.worstCaseMicros(p, u.promptTokens(), u.completionTokens());
            assertThat(worst).isGreaterThanOrEqualTo(Cost.costMicros(p, u));
        }
        // a cache price above the input price (cache writes) must not escape the hold
        ModelPrice dearCache = price("1", "1.25", "4", "0.001");
        assertThat(Cost.worstCaseMicros(dearCache, 100, 0))
                .isEqualTo(Cost.costMicros(dearCache, new Usage(100, 100, 0, 0))).isEqualTo(125_000);
        assertThat(Cost.worstCaseMicros(price("3", "1.5", "15", "0.001"), 1_000, 1_024))
                .isEqualTo(1_000 * 3_000L + 1_024 * 15_000L);
    }

    @Test
    void overflowFailsLoudlyInsteadOfWrapping() {
        ModelPrice p = price("1000", "1000", "1000", "0.000001");
        assertThatThrownBy(() -> Cost.costMicros(p, Usage.of(Long.MAX_VALUE / 2, 0)))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void creditsArePlainDecimalsWithoutTrailingZeros() {
        assertThat(Cost.toCredits(1_234_567)).isEqualTo("1.234567");
        assertThat(Cost.toCredits(1_500_000)).isEqualTo("1.5");
        assertThat(Cost.toCredits(10_000_000)).isEqualTo("10");
        assertThat(Cost.toCredits(0)).isEqualTo("0");
        assertThat(Cost.toCredits(1)).isEqualTo("0.000001");
        assertThat(Cost.toCredits(-2_500_000)).isEqualTo("-2.5");
        assertThat(Cost.toCredits(Long.MAX_VALUE)).isEqualTo("9223372036854.775807");
        assertThat(Cost.toCreditsDecimal(10_000_000).toString()).isEqualTo("10");
        assertThat(Cost.toCreditsDecimal(1_234_567)).isEqualByComparingTo("1.234567");
        assertThat(Cost.toCreditsDecimal(0).toString()).isEqualTo("0");
    }

    @Test
    void inconsistentUsageIsRefused() {
        assertThatThrownBy(() -> new Usage(10, 11, 0, 0)).hasMessageContaining("cached");
        assertThatThrownBy(() -> new Usage(10, 0, 5, 6)).hasMessageContaining("reasoning");
        assertThatThrownBy(() -> new Usage(-1, 0, 0, 0)).hasMessageContaining("negative");
    }

    /**
     * Independent oracle: USD per component (÷ 1M), credits (÷ usd_per_credit, 200 digits rounded
     * away from zero), µcr (× 1M), then ceiling. Never divides the way Cost does.
     */
    private static long oracleMicros(ModelPrice p, Usage u) {
        if (p.free()) return 0;
        BigDecimal million = BigDecimal.valueOf(1_000_000);
        BigDecimal usd = BigDecimal.ZERO;
        usd = usd.add(BigDecimal.valueOf(u.promptTokens() - u.cachedPromptTokens())
                .multiply(p.inputUsdPer1M().divide(million)));
        usd = usd.add(BigDecimal.valueOf(u.cachedPromptTokens()).multiply(p.cachedInputUsdPer1M().divide(million)));
        usd = usd.add(BigDecimal.valueOf(u.completionTokens()).multiply(p.outputUsdPer1M().divide(million)));
        BigDecimal credits = usd.divide(p.usdPerCredit(), new MathContext(200, RoundingMode.UP));
        return credits.multiply(million).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static long ceilMicros(ModelPrice p, long tokens, BigDecimal usdPer1M) {
        return BigDecimal.valueOf(tokens).multiply(usdPer1M).divide(p.usdPerCredit(), 0, RoundingMode.CEILING)
                .longValueExact();
    }

    static ModelPrice randomPrice(Random random) {
        return new ModelPrice("m" + random.nextInt(100), randomUsdPer1M(random), randomUsdPer1M(random),
                randomUsdPer1M(random), randomUsdPerCredit(random), false);
    }

    /** 0 to 1000 USD per 1M tokens with 0 to 9 decimals; zero now and then. */
    private static BigDecimal randomUsdPer1M(Random random) {
        if (random.nextInt(20) == 0) return BigDecimal.ZERO;
        int scale = random.nextInt(10);
        return BigDecimal.valueOf(random.nextLong(1, pow10(scale + 3)), scale);
    }

    /** 1e-6 to 10 USD per credit, including rates such as 0.003 that divide nothing evenly. */
    private static BigDecimal randomUsdPerCredit(Random random) {
        int scale = random.nextInt(7);
        return BigDecimal.valueOf(random.nextLong(1, pow10(scale + 1) + 1), scale);
    }

    static Usage randomUsage(Random random) {
        long prompt = randomTokens(random);
        long cached = prompt == 0 ? 0 : switch (random.nextInt(3)) {
            case 0 -> 0;
            case 1 -> prompt;
            default -> random.nextLong(prompt + 1);
        };
        long completion = randomTokens(random);
        long reasoning = completion == 0 ? 0 : random.nextLong(completion + 1);
        return new Usage(prompt, cached, completion, reasoning);
    }

    private static long randomTokens(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextLong(1, 100);
            case 2 -> random.nextLong(1, 200_000);
            default -> random.nextLong(MAX_TOKENS);
        };
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) v *= 10;
        return v;
    }

    private static ModelPrice price(String input, String cached, String output, String usdPerCredit) {
        return new ModelPrice("test", new BigDecimal(input), new BigDecimal(cached), new BigDecimal(output),
                new BigDecimal(usdPerCredit), false);
    }
}
