package dev.tollgate.metering;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;

/**
 * Which OpenAI vocabulary an upstream model id uses. Building an encoding parses a vocabulary of
 * 100k–200k entries (tens of milliseconds, megabytes), so each is built once, on first use, by a
 * holder class: the JVM's class initialisation makes that lazy and thread-safe without locks on
 * the hot path.
 */
enum Vocabulary {
    O200K, CL100K, NONE;

    /** Ordered: the specific prefixes (gpt-4o, gpt-4.1) must win over the general gpt-4. */
    private static final String[] O200K_PREFIXES = {
        "gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4"};
    /** OpenAI's embedding models (ada-002, 3-small, 3-large) use cl100k_base too. */
    private static final String[] CL100K_PREFIXES = {"gpt-4", "gpt-3.5", "text-embedding-"};

    static Vocabulary of(String upstreamModelId) {
        if (upstreamModelId == null) return NONE;
        String id = normalise(upstreamModelId);
        for (String prefix : O200K_PREFIXES) {
            if (id.startsWith(prefix)) return O200K;
        }
        for (String prefix : CL100K_PREFIXES) {
            if (id.startsWith(prefix)) return CL100K;
        }
        return NONE;
    }

    /** The encoding; only for O200K and CL100K. */
    Encoding encoding() {
        return switch (this) {
            case O200K -> O200kHolder.ENCODING;
            case CL100K -> Cl100kHolder.ENCODING;
            case NONE -> throw new IllegalStateException("no OpenAI vocabulary for this model");
        };
    }

    /**
     * Fine-tunes ({@code ft:gpt-4o-mini:org::id}) and OpenAI models behind an aggregator
     * ({@code openai/gpt-4o}) use the base model's vocabulary. Other vendors' prefixes are not
     * stripped: their models do not use OpenAI's vocabularies.
     */
    private static String normalise(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        if (lower.startsWith("openai/")) lower = lower.substring("openai/".length());
        if (lower.startsWith("ft:")) lower = lower.substring("ft:".length());
        return lower;
    }

    private static final class O200kHolder {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    private static final class Cl100kHolder {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }
}
