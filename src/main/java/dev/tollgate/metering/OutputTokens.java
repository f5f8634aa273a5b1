package dev.tollgate.metering;

/**
 * Completion tokens counted from streamed text, for providers that end a stream without usage
 * (a cut connection, or a server that ignores stream_options.include_usage).
 *
 * <p>Exact for models with an OpenAI vocabulary, for the visible text: hidden reasoning tokens never
 * reach the stream, so they cannot be counted here. For other models it is an ESTIMATE: a quarter of
 * the ASCII bytes (English text and code average about 4 bytes per token) plus one token per
 * non-ASCII code point (CJK and emoji run at about one token per character or more; counting their
 * bytes / 4 would bill CJK at a third of its cost). The estimate can be off in either direction,
 * which is acceptable only because it is the fallback when the provider reports nothing.
 */
public final class OutputTokens {
    private static final int ASCII_BYTES_PER_TOKEN = 4;

    private OutputTokens() {}

    public static long count(String text, String upstreamModelId) {
        if (text.isEmpty()) return 0;
        Vocabulary vocabulary = Vocabulary.of(upstreamModelId);
        if (vocabulary != Vocabulary.NONE) return vocabulary.encoding().countTokensOrdinary(Utf8.withoutLoneSurrogates(text));
        return estimate(text);
    }

    /** Whether {@link #count} is exact for this model (false: it is an estimate). */
    public static boolean exactSupported(String upstreamModelId) {
        return Vocabulary.of(upstreamModelId) != Vocabulary.NONE;
    }

    static long estimate(String text) {
        long asciiBytes = 0;
        long otherCodePoints = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) asciiBytes++;
            else if (!Character.isLowSurrogate(c)) otherCodePoints++; // a pair counts once
        }
        return (asciiBytes + ASCII_BYTES_PER_TOKEN - 1) / ASCII_BYTES_PER_TOKEN + otherCodePoints;
    }
}
