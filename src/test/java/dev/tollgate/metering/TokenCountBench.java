package dev.tollgate.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.ToLongFunction;

/**
 * Rough cost of the hold-time prompt count: the byte bound (every request) against jtokkit's exact
 * count (only when the bound does not fit the balance). Not a JMH benchmark: a warm-up, then the
 * mean over about a second, which is enough to show the ratio. Run with the test classpath:
 * {@code java -cp target/classes:target/test-classes:<deps> dev.tollgate.metering.TokenCountBench}.
 */
public final class TokenCountBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long RUN_NS = 1_000_000_000L;
    private static volatile long sink;

    public static void main(String[] args) {
        for (int bytes : new int[] {2 * 1024, 100 * 1024}) {
            JsonNode request = request(bytes);
            int actual = request.toString().getBytes(StandardCharsets.UTF_8).length;
            System.out.printf("prompt of %,d bytes of JSON (bound %,d tokens, exact gpt-4o %,d tokens)%n",
                    actual, PromptTokens.upperBound(request, "gpt-4o"), PromptTokens.exact(request, "gpt-4o"));
            report("  upperBound         ", request, r -> PromptTokens.upperBound(r, "gpt-4o"));
            report("  exact o200k gpt-4o ", request, r -> PromptTokens.exact(r, "gpt-4o"));
            report("  exact cl100k gpt-4 ", request, r -> PromptTokens.exact(r, "gpt-4"));
        }
    }

    private static void report(String label, JsonNode request, ToLongFunction<JsonNode> count) {
        measure(request, count); // warm-up: JIT and, for exact, the one-time vocabulary load
        double ns = measure(request, count);
        System.out.printf("%s %,12.0f ns/op%n", label, ns);
    }

    private static double measure(JsonNode request, ToLongFunction<JsonNode> count) {
        long ops = 0;
        long total = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            for (int i = 0; i < 16; i++) total += count.applyAsLong(request);
            ops += 16;
            elapsed = System.nanoTime() - start;
        } while (elapsed < RUN_NS);
        sink = total;
        return (double) elapsed / ops;
    }

    /** A system prompt and a user turn mixing English prose, code and some CJK, about {@code bytes} long. */
    static JsonNode request(int bytes) {
        Random random = new Random(1L);
        String[] words = {"the", "gateway", "charges", "credits", "for", "every", "token", "and", "holds",
            "the", "worst", "case", "before", "calling", "provider", "stream", "of", "a", "request"};
        String code = "for (int i = 0; i < n; i++) { total += price[i] * tokens[i]; }\n";
        String cjk = "料金は使用量に応じて計算されます。";
        StringBuilder text = new StringBuilder();
        long textBytes = 0;
        long targetBytes = bytes - 150; // the JSON around the user text
        while (textBytes < targetBytes) {
            int kind = random.nextInt(10);
            String piece = kind == 0 ? code : kind == 1 ? cjk
                    : words[random.nextInt(words.length)] + (random.nextInt(12) == 0 ? ". " : " ");
            text.append(piece);
            textBytes += Utf8.length(piece);
        }
        ObjectNode request = JSON.createObjectNode().put("model", "gpt-4o");
        ArrayNode messages = request.putArray("messages");
        messages.addObject().put("role", "system").put("content", "You are a helpful billing assistant.");
        messages.addObject().put("role", "user").put("content", text.toString());
        return request;
    }
}
