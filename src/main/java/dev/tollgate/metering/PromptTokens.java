package dev.tollgate.metering;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.api.Encoding;
import java.util.Map;

/**
 * Prompt tokens of an OpenAI chat-completions request, two ways:
 * <ul>
 *   <li>{@link #upperBound}: cheap and guaranteed. Byte-level BPE tokenizers (OpenAI's, and the
 *       byte-fallback vocabularies of other vendors) never emit more tokens than the UTF-8 bytes
 *       they are given, so the sum of the bytes of every text that is sent, plus generous fixed
 *       overheads for chat markup and a per-image maximum, cannot be exceeded. One walk over the
 *       tree, chars counted as bytes without encoding them.</li>
 *   <li>{@link #exact}: jtokkit with OpenAI's counting convention (3 tokens per message, 1 per
 *       name, 3 to prime the reply). Only the gateway's slow path: when the bound does not fit the
 *       caller's balance, the exact count may.</li>
 * </ul>
 * Both walk the same structure with the same rules, only the measure of a text and the overheads
 * differ; each exact overhead is below its bound overhead, so {@code exact ≤ upperBound} holds by
 * construction, which the tests check.
 */
public final class PromptTokens {
    /** OpenAI's published convention (the cookbook's num_tokens_from_messages). */
    private static final Overheads OPENAI = new Overheads(3, 1, 3, 0);
    /**
     * Bound overheads. Turn markup of the chat templates we know costs 3–5 tokens per message, so 8
     * per message and 8 for the reply primer leave room. Tools get 512: Anthropic documents a
     * tool-use system prompt of up to 346 tokens, OpenAI's function namespace wrapper is smaller.
     */
    private static final Overheads BOUND = new Overheads(8, 4, 8, 512);

    private static final String[] TOOL_FIELDS = {"tools", "functions"};

    private static final Measure BYTES = new Measure() {
        @Override public long text(String s) {
            return Utf8.length(s);
        }

        @Override public long json(JsonNode node) {
            return Utf8.jsonLength(node);
        }
    };

    private PromptTokens() {}

    /**
     * A guaranteed upper bound for any model: images are bounded by the largest known per-image
     * maximum (see {@link ImageTokens}). Prefer {@link #upperBound(JsonNode, String)} when the
     * upstream model is known.
     */
    public static long upperBound(JsonNode request) {
        return count(request, BYTES, BOUND, new Media(ImageTokens.MAX_KNOWN, true));
    }

    /** A guaranteed upper bound with the per-image maximum of {@code upstreamModelId}. */
    public static long upperBound(JsonNode request, String upstreamModelId) {
        return count(request, BYTES, BOUND, new Media(ImageTokens.upperBound(upstreamModelId), true));
    }

    /**
     * {@link #upperBound(JsonNode, String)} without files and audio (their bound is a hold's worst case,
     * many times what a typical file costs): what routing measures against a context window, so a PDF
     * is never refused for the slack in its bound; the provider judges whether it fits.
     */
    public static long upperBoundWithoutFiles(JsonNode request, String upstreamModelId) {
        return count(request, BYTES, BOUND, new Media(ImageTokens.upperBound(upstreamModelId), false));
    }

    /**
     * The prompt tokens OpenAI will report, for models with an OpenAI vocabulary. Message text is
     * exact; tools, tool calls and response_format schemas have no published convention and are
     * counted as the tokens of their JSON text (OpenAI renders them more compactly, so this errs
     * high); images count their model's maximum. For every other model this returns
     * {@link #upperBound(JsonNode, String)}: without the vendor's tokenizer, only a guaranteed
     * bound is safe for a hold.
     */
    public static long exact(JsonNode request, String upstreamModelId) {
        return exact(request, upstreamModelId, true);
    }

    /** {@link #exact(JsonNode, String)}; without files and audio, as {@link #upperBoundWithoutFiles}. */
    public static long exact(JsonNode request, String upstreamModelId, boolean files) {
        Vocabulary vocabulary = Vocabulary.of(upstreamModelId);
        Media media = new Media(ImageTokens.upperBound(upstreamModelId), files);
        if (vocabulary == Vocabulary.NONE) return count(request, BYTES, BOUND, media);
        return count(request, new Tokens(vocabulary.encoding()), OPENAI, media);
    }

    /** Whether {@link #exact} counts with the model's own vocabulary rather than returning the bound. */
    public static boolean exactSupported(String upstreamModelId) {
        return Vocabulary.of(upstreamModelId) != Vocabulary.NONE;
    }

    private static long count(JsonNode request, Measure measure, Overheads overheads, Media media) {
        long total = overheads.replyPriming();
        for (JsonNode message : request.path("messages")) {
            total += message(message, measure, overheads, media);
        }
        boolean hasTools = false;
        for (String field : TOOL_FIELDS) {
            JsonNode definitions = request.path(field);
            if (definitions.isArray() && !definitions.isEmpty()) {
                total += measure.json(definitions);
                hasTools = true;
            }
        }
        if (hasTools) total += overheads.tools();
        JsonNode toolChoice = request.path("tool_choice");
        if (toolChoice.isObject()) total += measure.json(toolChoice); // a named function is spelled out
        JsonNode schema = request.path("response_format").path("json_schema");
        if (!schema.isMissingNode() && !schema.isNull()) total += measure.json(schema);
        return total;
    }

    private static long message(JsonNode message, Measure measure, Overheads overheads, Media media) {
        long total = overheads.message();
        if (!message.isObject()) return total + measure.json(message);
        for (Map.Entry<String, JsonNode> field : message.properties()) {
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "content" -> total += content(value, measure, media);
                case "name" -> total += text(value, measure) + overheads.name();
                // role, tool_call_id, refusal as text; tool_calls, function_call, audio as JSON
                default -> total += text(value, measure);
            }
        }
        return total;
    }

    private static long content(JsonNode content, Measure measure, Media media) {
        long imageTokens = media.imageTokens();
        if (content.isNull()) return 0;
        if (content.isTextual()) return measure.text(content.textValue());
        if (!content.isArray()) return measure.json(content);
        long total = 0;
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            total += switch (type) {
                case "text" -> text(part.path("text"), measure);
                case "refusal" -> text(part.path("refusal"), measure);
                // The URL (often a base64 data URL) is not text the model reads; the image is.
                case "image_url", "input_image" -> imageTokens;
                // Neither the base64 nor the URL is what the model reads: pages and seconds are (MediaTokens).
                case "file" -> media.files() ? MediaTokens.file(part.path("file"), imageTokens) : 0;
                case "input_audio" -> media.files() ? MediaTokens.audio(part.path("input_audio")) : 0;
                // Anything newer: its bytes plus an image's worth of room.
                default -> measure.json(part) + imageTokens;
            };
        }
        return total;
    }

    /** A field that should be text; anything else is measured as the JSON it would be sent as. */
    private static long text(JsonNode value, Measure measure) {
        if (value.isTextual()) return measure.text(value.textValue());
        return value.isMissingNode() || value.isNull() ? 0 : measure.json(value);
    }

    private record Overheads(long message, long name, long replyPriming, long tools) {}

    /** Per-image maximum; whether files and audio are counted (holds) or left to the provider (context fit). */
    private record Media(long imageTokens, boolean files) {}

    /** How a piece of the request is measured: UTF-8 bytes for the bound, tokens for the exact count. */
    private interface Measure {
        long text(String s);

        long json(JsonNode node);
    }

    /**
     * Tokens with one OpenAI vocabulary. Ordinary encoding: text such as "<|endoftext|>" in a prompt
     * is plain text to OpenAI, not a special token.
     */
    private record Tokens(Encoding encoding) implements Measure {
        @Override public long text(String s) {
            return encoding.countTokensOrdinary(Utf8.withoutLoneSurrogates(s));
        }

        @Override public long json(JsonNode node) {
            return encoding.countTokensOrdinary(Utf8.withoutLoneSurrogates(node.toString()));
        }
    }
}
