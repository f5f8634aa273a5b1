package dev.tollgate.metering;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Tokens of an embeddings request's {@code input} (a string, an array of strings, an array of
 * token ids, or an array of token-id arrays; validated before it gets here).
 * <ul>
 *   <li>{@link #upperBound}: the UTF-8 bytes of every string plus {@value #PER_INPUT_OVERHEAD} per
 *       input (room for begin/end markers some embedding models add), and the length of every
 *       token array as is. Byte-level BPE never emits more tokens than bytes, so this holds for
 *       any model.</li>
 *   <li>{@link #counted}: what a provider that reports no usage is charged: exact with the model's
 *       OpenAI vocabulary, otherwise the bound (without the vendor's tokenizer only a guaranteed
 *       bound is safe, as for chat).</li>
 * </ul>
 */
public final class EmbeddingTokens {
    static final long PER_INPUT_OVERHEAD = 2;

    private EmbeddingTokens() {}

    public static long upperBound(JsonNode input) {
        return count(input, null);
    }

    public static long counted(JsonNode input, String upstreamModelId) {
        Vocabulary v = Vocabulary.of(upstreamModelId);
        return count(input, v == Vocabulary.NONE ? null : v);
    }

    private static long count(JsonNode input, Vocabulary vocabulary) {
        if (input.isTextual()) return text(input.textValue(), vocabulary);
        if (input.isArray() && !input.isEmpty() && input.get(0).isNumber()) return input.size(); // one token array
        long total = 0;
        for (JsonNode item : input) {
            total += item.isTextual() ? text(item.textValue(), vocabulary) : item.size();
        }
        return total;
    }

    private static long text(String s, Vocabulary vocabulary) {
        if (vocabulary == null) return Utf8.length(s) + PER_INPUT_OVERHEAD;
        return vocabulary.encoding().countTokensOrdinary(Utf8.withoutLoneSurrogates(s));
    }
}
