package dev.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PromptTokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final Encoding CL100K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private static final List<String> MODELS = List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1-nano", "gpt-5",
            "o3-mini", "gpt-4-turbo", "gpt-3.5-turbo", "claude-sonnet-4", "gemini-2.5-flash", "mock-small");

    @Test
    void upperBoundIsAtLeastTheExactCountForEveryPromptAndModel() {
        List<JsonNode> corpus = corpus();
        for (int i = 0; i < corpus.size(); i++) {
            JsonNode request = corpus.get(i);
            long modelFree = PromptTokens.upperBound(request);
            for (String model : MODELS) {
                long exact = PromptTokens.exact(request, model);
                assertThat(PromptTokens.upperBound(request, model)).as("%s, corpus[%d]", model, i)
                        .isGreaterThanOrEqualTo(exact);
                assertThat(modelFree).as("model-free bound, corpus[%d]", i).isGreaterThanOrEqualTo(exact);
            }
        }
    }

    @Test
    void openAiDocumentationExampleCountsThirteenPromptTokens() {
        // The API reference's example "Say this is a test!" reports usage.prompt_tokens = 13.
        JsonNode request = request("{'model':'gpt-3.5-turbo','messages':[{'role':'user','content':'Say this is a test!'}]}");
        assertThat(PromptTokens.exact(request, "gpt-3.5-turbo")).isEqualTo(13);
        assertThat(PromptTokens.exact(request, "gpt-4o-mini")).isEqualTo(13);
    }

    @Test
    void exactFollowsTheChatConventionWithTheModelsVocabulary() {
        String system = "You are a terse assistant. Answer in Japanese.";
        String user = "東京タワーの高さは？ 🗼 Please include the unit.";
        String assistant = "333メートルです。";
        JsonNode request = JSON.createObjectNode().set("messages", JSON.valueToTree(List.of(
                java.util.Map.of("role", "system", "content", system),
                java.util.Map.of("role", "user", "name", "alice_01", "content", user),
                java.util.Map.of("role", "assistant", "content", assistant))));
        for (var entry : java.util.Map.of("gpt-4o", O200K, "gpt-4", CL100K).entrySet()) {
            Encoding enc = entry.getValue();
            // 3 per message + role + content, 1 extra per name, 3 to prime the reply
            long expected = 3 + enc.countTokens("system") + enc.countTokens(system)
                    + 3 + enc.countTokens("user") + enc.countTokens(user) + enc.countTokens("alice_01") + 1
                    + 3 + enc.countTokens("assistant") + enc.countTokens(assistant)
                    + 3;
            assertThat(PromptTokens.exact(request, entry.getKey())).as(entry.getKey()).isEqualTo(expected);
        }
        assertThat(O200K.countTokens(user)).isNotEqualTo(CL100K.countTokens(user)); // the vocabularies differ here
    }

    @Test
    void upperBoundIsTheUtf8BytesPlusTheDocumentedOverheads() {
        Random random = new Random(5L);
        for (int i = 0; i < 2_000; i++) {
            String content = randomText(random, random.nextInt(300));
            JsonNode request = JSON.createObjectNode().set("messages", JSON.valueToTree(List.of(
                    java.util.Map.of("role", "user", "content", content))));
            long bytes = content.getBytes(StandardCharsets.UTF_8).length;
            // reply priming 8 + message 8 + "user" 4 + content
            assertThat(PromptTokens.upperBound(request)).isEqualTo(8 + 8 + 4 + bytes);
        }
    }

    @Test
    void everyImageIsBoundedByItsModelsMaximum() {
        JsonNode twoImages = request("{'messages':[{'role':'user','content':["
                + "{'type':'text','text':'Compare'},"
                + "{'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo=','detail':'high'}},"
                + "{'type':'image_url','image_url':{'url':'https://example.com/a.png'}}]}]}");
        long text = 8 + 8 + 4 + "Compare".length();
        assertThat(PromptTokens.upperBound(twoImages, "gpt-4o")).isEqualTo(text + 2 * 4_096);
        assertThat(PromptTokens.upperBound(twoImages, "gpt-4o-mini")).isEqualTo(text + 2 * 48_169);
        assertThat(PromptTokens.upperBound(twoImages)).isEqualTo(text + 2 * 48_169);
        assertThat(PromptTokens.exact(twoImages, "gpt-4o")).isEqualTo(3 + 3 + 1 + 1 + 2 * 4_096);
    }

    @Test
    void nonOpenAiModelsGetTheGuaranteedBound() {
        for (JsonNode request : corpus()) {
            for (String model : List.of("claude-sonnet-4", "gemini-2.5-flash", "mock-small", "llama-3.1-70b")) {
                assertThat(PromptTokens.exactSupported(model)).isFalse();
                assertThat(PromptTokens.exact(request, model)).isEqualTo(PromptTokens.upperBound(request, model));
            }
        }
    }

    @Test
    void vocabularyIsChosenByModelFamily() {
        for (String id : List.of("gpt-4o", "gpt-4o-mini-2024-07-18", "chatgpt-4o-latest", "gpt-4.1-nano", "gpt-5-mini",
                "o1-preview", "o3", "o4-mini", "openai/gpt-4o", "ft:gpt-4o-mini:acme::abc123", "GPT-4O")) {
            assertThat(Vocabulary.of(id)).as(id).isEqualTo(Vocabulary.O200K);
        }
        for (String id : List.of("gpt-4", "gpt-4-turbo", "gpt-4-0613", "gpt-3.5-turbo", "gpt-3.5-turbo-16k")) {
            assertThat(Vocabulary.of(id)).as(id).isEqualTo(Vocabulary.CL100K);
        }
        for (String id : List.of("claude-3-5-sonnet", "gemini-2.0-flash", "mock-large", "mistral-large", "")) {
            assertThat(Vocabulary.of(id)).as(id).isEqualTo(Vocabulary.NONE);
        }
        assertThat(Vocabulary.of(null)).isEqualTo(Vocabulary.NONE);
        assertThat(PromptTokens.exactSupported("gpt-4o-mini")).isTrue();
    }

    @Test
    void encodingsAreBuiltOnceAndSafeToShareAcrossThreads() throws Exception {
        assertThat(Vocabulary.O200K.encoding()).isSameAs(Vocabulary.O200K.encoding());
        List<JsonNode> corpus = corpus();
        long[] expected = corpus.stream().mapToLong(r -> PromptTokens.exact(r, "gpt-4o")).toArray();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> corpus.stream().mapToLong(r -> PromptTokens.exact(r, "gpt-4o")).toArray()));
            }
            for (Future<long[]> f : results) assertThat(f.get()).containsExactly(expected);
        }
    }

    @Test
    void utf8LengthMatchesTheJdkEncoderForValidText() {
        Random random = new Random(17L);
        for (int i = 0; i < 5_000; i++) {
            String s = randomText(random, random.nextInt(64));
            assertThat(Utf8.length(s)).as("random text %d", i).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
            assertThat(Utf8.jsonStringLength(s)).isGreaterThanOrEqualTo(
                    JSON.getNodeFactory().textNode(s).toString().getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(Utf8.length("a\uD800b")).isEqualTo(5); // a lone surrogate counts as U+FFFD would
        assertThat(Utf8.withoutLoneSurrogates("a\uD800b\uDC00\uD83D\uDE00")).isEqualTo("a\uFFFDb\uFFFD\uD83D\uDE00");
        String valid = "valid 😀";
        assertThat(Utf8.withoutLoneSurrogates(valid)).isSameAs(valid);
    }

    static List<JsonNode> corpus() {
        List<JsonNode> corpus = new ArrayList<>();
        corpus.add(chat("Hello world"));
        corpus.add(chat(""));
        corpus.add(chat("日本語のテキストと中文文本，还有한국어 텍스트도 있습니다。"));
        corpus.add(chat("👩‍👩‍👧‍👦🏳️‍🌈🇯🇵 emoji run 😀😀😀😀😀 ✨"));
        corpus.add(chat("public static void main(String[] args) {\n\tfor (int i = 0; i < 10; i++) {\n\t\tSystem.out.println(i);\n\t}\n}\n"));
        corpus.add(chat("          \n\n\n\t\t\t    many     spaces    " + " ".repeat(500)));
        corpus.add(chat("3.14159265358979323846264338327950288419716939937510 1234567890 0xDEADBEEF"));
        corpus.add(chat("<|endoftext|> <|im_start|>system special-token lookalikes are plain text"));
        corpus.add(chat("lone surrogate \uD83D in the middle"));
        Random random = new Random(42L);
        StringBuilder longText = new StringBuilder();
        while (longText.length() < 60_000) longText.append(randomText(random, 50)).append(' ');
        corpus.add(chat(longText.toString()));
        for (int i = 0; i < 50; i++) corpus.add(chat(randomText(random, random.nextInt(400))));
        corpus.add(request("{'model':'gpt-4o','messages':["
                + "{'role':'system','content':'You call tools.'},"
                + "{'role':'user','name':'bob','content':[{'type':'text','text':'Weather in Zürich?'},"
                + "{'type':'image_url','image_url':{'url':'https://example.com/sky.jpg'}},"
                + "{'type':'input_audio','input_audio':{'data':'UklGRiQAAABXQVZF','format':'wav'}}]},"
                + "{'role':'assistant','content':null,'tool_calls':[{'id':'call_1','type':'function',"
                + "'function':{'name':'get_weather','arguments':'{\\\"city\\\":\\\"Zürich\\\",\\\"unit\\\":\\\"c\\\"}'}}]},"
                + "{'role':'tool','tool_call_id':'call_1','content':'{\\\"temp\\\":21}'}],"
                + "'tools':[{'type':'function','function':{'name':'get_weather','description':'Current weather',"
                + "'parameters':{'type':'object','properties':{'city':{'type':'string'},'unit':{'type':'string',"
                + "'enum':['c','f']}},'required':['city']}}}],"
                + "'tool_choice':{'type':'function','function':{'name':'get_weather'}},"
                + "'response_format':{'type':'json_schema','json_schema':{'name':'answer','strict':true,"
                + "'schema':{'type':'object','properties':{'summary':{'type':'string','maxLength':200}}}}}}"));
        return corpus;
    }

    private static JsonNode chat(String content) {
        return JSON.createObjectNode().set("messages", JSON.valueToTree(List.of(
                java.util.Map.of("role", "system", "content", "Be brief."),
                java.util.Map.of("role", "user", "content", content))));
    }

    private static JsonNode request(String singleQuoted) {
        try {
            return JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }

    /** Valid text mixing ASCII, Latin, CJK, emoji (surrogate pairs) and control characters. */
    static String randomText(Random random, int codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int cp = switch (random.nextInt(6)) {
                case 0, 1 -> 0x20 + random.nextInt(0x5F);
                case 2 -> 0xA0 + random.nextInt(0x700);
                case 3 -> 0x4E00 + random.nextInt(0x5000);
                case 4 -> 0x1F300 + random.nextInt(0x300);
                default -> random.nextInt(0x20);
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
