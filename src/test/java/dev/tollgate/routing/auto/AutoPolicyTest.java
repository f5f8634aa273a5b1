package dev.tollgate.routing.auto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoPolicyTest {
    @TempDir
    Path dir;

    static final String MODELS = """
            providers:
              - { name: mock, type: mock }
            models:
              - { name: small, provider: mock, price: { input: 0.15, output: 0.60 } }
              - { name: large, provider: mock, price: { input: 2.50, output: 10.00 } }
              - { name: mid, provider: mock, price: { input: 0.40, output: 1.60 } }
              - { name: local, provider: mock, price: free }
            aliases:
              best: [large, mid]
            """;

    TollgateConfig load(String yaml) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of()).load(file);
    }

    void rejects(String routing, String... messageParts) {
        assertThatThrownBy(() -> load(MODELS + routing))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir.resolve("tollgate.yaml") + ": ")
                .hasMessageContainingAll(messageParts);
    }

    static Analysis analysis(TaskType t, Complexity c) {
        return new Analysis(t, c, 0.9, t.wireName() + ": test; " + c.wireName() + ": test");
    }

    static List<String> names(List<AutoPolicy.Candidate> candidates) {
        return candidates.stream().map(AutoPolicy.Candidate::model).toList();
    }

    @Test
    void enumNamesAreTheConfigNames() {
        assertThat(Arrays.stream(TaskType.values()).map(TaskType::wireName).toList()).isEqualTo(TollgateConfig.Auto.TASK_TYPES);
        assertThat(Arrays.stream(Complexity.values()).map(Complexity::wireName).toList()).isEqualTo(TollgateConfig.Auto.COMPLEXITIES);
    }

    @Test
    void defaultPolicyRanksByPrice() throws Exception {
        AutoPolicy p = AutoPolicy.from(load(MODELS));
        assertThat(names(p.candidates(TaskType.CODING, Complexity.SIMPLE))).containsExactly("local", "small", "mid", "large");
        assertThat(names(p.candidates(TaskType.CODING, Complexity.COMPLEX))).containsExactly("large", "mid", "small", "local");
        // four price levels: k = 0, 1/3, 2/3, 1; the middle (0.5) is equidistant from small and mid: cheaper first
        assertThat(names(p.candidates(TaskType.MATH, Complexity.MEDIUM))).containsExactly("small", "mid", "local", "large");
        assertThat(p.candidates(TaskType.GENERAL, Complexity.COMPLEX).get(0).quality()).isEqualTo(1.0);
        assertThat(p.candidates(TaskType.GENERAL, Complexity.COMPLEX).get(3).quality()).isEqualTo(0.4);
        assertThat(p.candidates(TaskType.GENERAL, Complexity.SIMPLE).get(0).quality()).isEqualTo(0.8);
        assertThat(p.minQuality()).isZero();
    }

    @Test
    void aSingleModelIsTheMostCapable() {
        TollgateConfig.Price price = new TollgateConfig.Price(BigDecimal.ONE, BigDecimal.TEN, BigDecimal.ONE);
        AutoPolicy p = AutoPolicy.defaultFor(List.of(new TollgateConfig.Model("only", "mock", "only", price, false, null)));
        assertThat(p.candidates(TaskType.CREATIVE, Complexity.COMPLEX)).containsExactly(new AutoPolicy.Candidate("only", 1.0));
        assertThat(p.candidates(TaskType.CREATIVE, Complexity.SIMPLE)).containsExactly(new AutoPolicy.Candidate("only", 1.0));
    }

    @Test
    void configuredCellsOverrideTheDefaultAndTheRestFallBack() throws Exception {
        AutoPolicy p = AutoPolicy.from(load(MODELS + """
                routing:
                  auto:
                    min_quality: 0.7
                    policy:
                      coding:
                        complex: [ { model: best, quality: 0.95 }, { model: mid, quality: 0.8 } ]
                """));
        assertThat(p.candidates(TaskType.CODING, Complexity.COMPLEX))
                .containsExactly(new AutoPolicy.Candidate("best", 0.95), new AutoPolicy.Candidate("mid", 0.8));
        assertThat(names(p.candidates(TaskType.CODING, Complexity.SIMPLE))).containsExactly("local", "small", "mid", "large");
        assertThat(p.minQuality()).isEqualTo(0.7);
    }

    @Test
    void selectTakesTheFirstAvailableCandidateAboveMinQuality() throws Exception {
        AutoPolicy p = AutoPolicy.from(load(MODELS + """
                routing:
                  auto:
                    min_quality: 0.7
                    policy:
                      coding:
                        complex: [ { model: best, quality: 0.95 }, { model: small, quality: 0.5 }, { model: mid, quality: 0.8 } ]
                """));
        Analysis a = analysis(TaskType.CODING, Complexity.COMPLEX);
        AutoSelection first = p.select(a, Set.of("best", "small", "mid"));
        assertThat(first.model()).isEqualTo("best");
        assertThat(first.qualityScore()).isEqualTo(0.95);
        assertThat(first.analysis()).isSameAs(a);
        assertThat(first.reasoning()).contains("-> best (rank 1/3, q 0.95)");

        AutoSelection fallback = p.select(a, Set.of("small", "mid"));
        assertThat(fallback.model()).isEqualTo("mid");
        assertThat(fallback.reasoning()).contains("best: unavailable").contains("small: quality 0.50 < 0.70")
                .matches("[\\x20-\\x7e]*");

        assertThatThrownBy(() -> p.select(a, Set.of("small")))
                .isInstanceOf(NoAutoCandidateException.class)
                .hasMessageContaining("coding/complex").hasMessageContaining("0.70");
    }

    @Test
    void withoutRoutingSectionTheConfigHasNone() throws Exception {
        assertThat(load(MODELS).routing()).isEqualTo(TollgateConfig.Routing.NONE);
        assertThat(load(MODELS + "routing: {}\n").routing().auto()).isNull();
    }

    @Test
    void unknownTaskTypeIsRefusedWithItsPath() {
        rejects("routing: { auto: { policy: { cooking: { simple: [ { model: small, quality: 0.5 } ] } } } }\n",
                "routing.auto.policy.cooking", "unknown key");
    }

    @Test
    void unknownComplexityIsRefusedWithItsPath() {
        rejects("routing: { auto: { policy: { coding: { hard: [ { model: small, quality: 0.5 } ] } } } }\n",
                "routing.auto.policy.coding.hard", "unknown key", "simple");
    }

    @Test
    void unknownModelIsRefusedWithItsPath() {
        rejects("routing: { auto: { policy: { coding: { simple: [ { model: gpt-9, quality: 0.5 } ] } } } }\n",
                "routing.auto.policy.coding.simple[0].model", "no model or alias named 'gpt-9'");
    }

    @Test
    void qualityOutsideZeroToOneIsRefused() {
        rejects("routing: { auto: { policy: { math: { complex: [ { model: large, quality: 1.5 } ] } } } }\n",
                "routing.auto.policy.math.complex[0].quality", "between 0 and 1");
        rejects("routing: { auto: { policy: { math: { complex: [ { model: large, quality: -0.1 } ] } } } }\n",
                "routing.auto.policy.math.complex[0].quality", "negative");
        rejects("routing: { auto: { policy: { math: { complex: [ { model: large, quality: high } ] } } } }\n",
                "routing.auto.policy.math.complex[0].quality", "must be a number");
        rejects("routing: { auto: { min_quality: 2 } }\n", "routing.auto.min_quality", "between 0 and 1");
    }

    @Test
    void otherMistakesAreRefusedWithTheirPaths() {
        rejects("routing: { auto: { policy: { math: { simple: [] } } } }\n",
                "routing.auto.policy.math.simple", "at least one candidate");
        rejects("routing: { auto: { policy: { math: { simple: [ { model: small } ] } } } }\n",
                "routing.auto.policy.math.simple[0].quality", "is required");
        rejects("routing: { auto: { policy: { math: { simple: [ { model: small, quality: 1 }, { model: small, quality: 0.5 } ] } } } }\n",
                "routing.auto.policy.math.simple[1].model", "listed twice");
        rejects("routing: { auto: { polcy: {} } }\n", "routing.auto.polcy", "unknown key");
        rejects("routing: { strategy: cheapest }\n", "routing.strategy", "unknown key");
    }
}
