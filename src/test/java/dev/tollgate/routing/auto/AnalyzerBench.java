package dev.tollgate.routing.auto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.TollgateConfig;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * Cost of {@link PromptAnalyzer#analyze} (and of {@link AutoPolicy#select}) for a short, a 2 KB
 * and a 50 KB prompt. Not JMH: a warm-up, then the best of five one-second rounds, which is
 * enough to see the order of magnitude. Run with the test classpath:
 * {@code java -cp target/classes:target/test-classes:<deps> dev.tollgate.routing.auto.AnalyzerBench}.
 */
public final class AnalyzerBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROUND_NS = 1_000_000_000L;
    private static volatile Object sink;

    public static void main(String[] args) {
        String shortPrompt = "Write a Python function that checks whether a string is a palindrome.";
        String paragraph = "The quarterly report shows revenue up 8% to $412 million, while operating margin fell"
                + " from 14% to 11% because of cloud costs; management kept the outlook and announced a buyback. ";
        String code = "```java\nfor (int i = 0; i < n; i++) { total += price[i] * tokens[i]; }\n```\n";
        report("short (" + shortPrompt.length() + " chars)", request(shortPrompt));
        report("2 KB", request("Summarize the following for the board:\n" + fill(paragraph + code, 2 * 1024)));
        report("50 KB", request("Summarize the following for the board:\n" + fill(paragraph + code, 50 * 1024)
                + "\n\nKeep it under 200 words?"));

        TollgateConfig.Price cheap = new TollgateConfig.Price(new BigDecimal("0.15"), new BigDecimal("0.60"), new BigDecimal("0.15"));
        TollgateConfig.Price dear = new TollgateConfig.Price(new BigDecimal("2.50"), new BigDecimal("10"), new BigDecimal("2.50"));
        AutoPolicy policy = AutoPolicy.defaultFor(List.of(
                new TollgateConfig.Model("small", "mock", "small", cheap, false, null),
                new TollgateConfig.Model("large", "mock", "large", dear, false, null)));
        Analysis analysis = PromptAnalyzer.analyze(request(shortPrompt));
        Set<String> available = Set.of("small", "large");
        measure(() -> policy.select(analysis, available));
        System.out.printf("%-22s %,10.0f ns/op%n", "select (2 models)", measure(() -> policy.select(analysis, available)));
    }

    private static void report(String label, JsonNode request) {
        Analysis a = PromptAnalyzer.analyze(request);
        measure(() -> PromptAnalyzer.analyze(request)); // warm-up
        System.out.printf("%-22s %,10.0f ns/op   %s%n", "analyze " + label, measure(() -> PromptAnalyzer.analyze(request)),
                a.taskType().wireName() + "/" + a.complexity().wireName());
    }

    private static double measure(java.util.function.Supplier<Object> op) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long ops = 0;
            long start = System.nanoTime();
            long elapsed;
            do {
                for (int i = 0; i < 32; i++) sink = op.get();
                ops += 32;
                elapsed = System.nanoTime() - start;
            } while (elapsed < ROUND_NS / 5);
            best = Math.min(best, (double) elapsed / ops);
        }
        return best;
    }

    private static String fill(String unit, int chars) {
        StringBuilder out = new StringBuilder(chars + unit.length());
        while (out.length() < chars) out.append(unit);
        return out.substring(0, chars);
    }

    private static JsonNode request(String user) {
        ObjectNode body = JSON.createObjectNode().put("model", "auto");
        body.putArray("messages").addObject().put("role", "system").put("content", "You are a helpful assistant.");
        ((com.fasterxml.jackson.databind.node.ArrayNode) body.get("messages")).addObject().put("role", "user").put("content", user);
        return body;
    }
}
