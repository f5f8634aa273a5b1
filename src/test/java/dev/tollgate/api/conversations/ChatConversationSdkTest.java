package dev.tollgate.api.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.conversations.Conversation;
import com.openai.models.conversations.ConversationCreateParams;
import com.openai.models.conversations.items.ConversationItem;
import com.openai.models.conversations.items.ItemListParams;
import com.openai.models.responses.EasyInputMessage;
import dev.tollgate.json.Json;
import dev.tollgate.metering.PromptTokens;
import dev.tollgate.routing.Deployment;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conversation_id} on chat completions through the official OpenAI Java SDK, against a fake upstream that
 * records what it received: history in (trimmed to the context window, oldest turns first, system kept, the hold
 * computed on what was sent), the question and answer appended (streamed too), a title after the first exchange.
 */
class ChatConversationSdkTest {
    @TempDir
    static Path dir;
    static FakeOpenAi upstream;
    static TestGateway gw;
    static OpenAIClient sdk;
    /** Three earlier turns of the conversation the trimming test continues; each turn a question and its answer. */
    static final String[][] TURNS = {
            {"What is the capital of France, and why did it become the capital?", "Paris, for reasons of trade and kings."},
            {"And what river flows through that city, from where to where?", "The Seine, from Burgundy to the Channel."},
            {"How long is that river in kilometres, roughly?", "About 777 kilometres."}};
    static final int MAX_TOKENS = 5;
    static int window;

    @BeforeAll
    static void start() throws Exception {
        // the window fits the system prompt, the last two turns and the new question, with max_tokens to spare
        window = (int) PromptTokens.upperBound(body(expectedMessages(1)), "small-ctx") + MAX_TOKENS;
        assertThat(PromptTokens.upperBound(body(expectedMessages(0)), "small-ctx") + MAX_TOKENS).isGreaterThan(window);
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, "limits: { default_rpm: 0 }\n" + TestGateway.openAiConfig("gpt-4o-mini", "titler", "cut-after-2")
                + "  - { name: small-ctx, provider: fake, context_window: " + window + ", price: { input: 100, output: 200 } }\n"
                + "conversations: { title_model: titler }\n"
                + "plans: { no-titler: { models: [gpt-4o-mini] } }\n", upstream.baseUrl());
        sdk = OpenAIOkHttpClient.builder().apiKey(gw.key).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    /** The chat messages the gateway should send when the first {@code dropped} turns do not fit. */
    static ArrayNode expectedMessages(int dropped) {
        ArrayNode m = Json.NODES.arrayNode();
        m.addObject().put("role", "system").put("content", "Be brief.");
        for (int i = dropped; i < TURNS.length; i++) {
            m.addObject().put("role", "user").put("content", TURNS[i][0]);
            m.addObject().put("role", "assistant").put("content", TURNS[i][1]);
        }
        m.addObject().put("role", "user").put("content", "And its source?");
        return m;
    }

    static ObjectNode body(ArrayNode messages) {
        ObjectNode body = Json.object().put("max_completion_tokens", MAX_TOKENS);
        body.set("messages", messages);
        return body;
    }

    static Conversation conversation(String[][] turns) {
        ConversationCreateParams.Builder b = ConversationCreateParams.builder();
        for (String[] turn : turns) {
            b.addItem(EasyInputMessage.builder().role(EasyInputMessage.Role.USER).content(turn[0]).build());
            b.addItem(EasyInputMessage.builder().role(EasyInputMessage.Role.ASSISTANT).content(turn[1]).build());
        }
        return sdk.conversations().create(b.build());
    }

    static ChatCompletionCreateParams.Builder ask(String model, String conversationId, String question) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage(question)
                .putAdditionalBodyProperty("conversation_id", JsonValue.from(conversationId));
    }

    static List<String> texts(String conversationId) {
        List<String> out = new ArrayList<>();
        sdk.conversations().items().list(conversationId, ItemListParams.builder().order(ItemListParams.Order.ASC).build())
                .autoPager().forEach(i -> out.add(text(i.validate())));
        return out;
    }

    static String text(ConversationItem item) {
        StringBuilder out = new StringBuilder(item.asMessage().role().asString() + ":");
        item.asMessage().content().forEach(c -> {
            c.inputText().ifPresent(t -> out.append(t.text()));
            c.outputText().ifPresent(t -> out.append(t.text()));
        });
        return out.toString();
    }

    static JsonNode lastUpstreamBody() {
        return upstream.requests.get(upstream.requests.size() - 1);
    }

    @Test
    void historyGoesUpAndTheQuestionAndAnswerAreAppended() {
        Conversation c = conversation(new String[][] {{"My name is Ada.", "Hello Ada."}});
        ChatCompletion answer = sdk.chat().completions().create(ask("gpt-4o-mini", c.id(), "What is my name?").build());
        assertThat(answer.choices().get(0).message().content()).contains("Hello from fake");

        JsonNode sent = lastUpstreamBody();
        assertThat(sent.has("conversation_id")).as("stripped before forwarding").isFalse();
        assertThat(sent.path("messages")).isEqualTo(Json.NODES.arrayNode()
                .add(Json.object().put("role", "system").put("content", "Be brief."))
                .add(Json.object().put("role", "user").put("content", "My name is Ada."))
                .add(Json.object().put("role", "assistant").put("content", "Hello Ada."))
                .add(Json.object().put("role", "user").put("content", "What is my name?")));
        assertThat(texts(c.id())).containsExactly("user:My name is Ada.", "assistant:Hello Ada.",
                "user:What is my name?", "assistant:Hello from fake");
    }

    @Test
    void theResponsesApiContinuesAConversationToo() {
        Conversation c = conversation(new String[][] {{"My name is Ada.", "Hello Ada."}});
        com.openai.models.responses.Response r = sdk.responses().create(com.openai.models.responses.ResponseCreateParams
                .builder().model("gpt-4o-mini").input("What is my name?").conversation(c.id()).build()).validate();
        assertThat(r.conversation().orElseThrow().id()).isEqualTo(c.id());
        assertThat(lastUpstreamBody().path("messages")).isEqualTo(Json.NODES.arrayNode()
                .add(Json.object().put("role", "user").put("content", "My name is Ada."))
                .add(Json.object().put("role", "assistant").put("content", "Hello Ada."))
                .add(Json.object().put("role", "user").put("content", "What is my name?")));
        assertThat(texts(c.id())).containsExactly("user:My name is Ada.", "assistant:Hello Ada.",
                "user:What is my name?", "assistant:Hello from fake");
        var both = gw.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"x\",\"conversation\":\"" + c.id()
                + "\",\"previous_response_id\":\"" + r.id() + "\"}", gw.key);
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(both.body()).contains("cannot be used together");
        assertThat(gw.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"x\",\"conversation\":{\"id\":\"conv_nope\"}}",
                gw.key).statusCode()).isEqualTo(404);
    }

    @Test
    void aStreamedAnswerIsAppendedWhenItFinishes() {
        Conversation c = sdk.conversations().create();
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions()
                .createStreaming(ask("gpt-4o-mini", c.id(), "Stream please").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).isEqualTo("Hello from fake");
        assertThat(texts(c.id())).containsExactly("user:Stream please", "assistant:Hello from fake");
        // the next request carries the streamed exchange as history
        sdk.chat().completions().create(ask("gpt-4o-mini", c.id(), "Again").build());
        assertThat(lastUpstreamBody().path("messages").toString()).contains("Stream please").contains("Hello from fake");
    }

    @Test
    void aStreamCutAfterItStartedAppendsNothing() {
        Conversation c = conversation(new String[][] {{"q", "a"}});
        var r = gw.post("/v1/chat/completions", "{\"model\":\"cut-after-2\",\"stream\":true,\"conversation_id\":\"" + c.id()
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"will break\"}]}", gw.key);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("partial").doesNotContain("[DONE]");
        assertThat(texts(c.id())).containsExactly("user:q", "assistant:a");
    }

    @Test
    void historyIsTrimmedToTheContextWindowOldestTurnFirstAndTheHoldIsOnWhatWasSent() throws Exception {
        Conversation c = conversation(TURNS);
        ChatCompletion answer = sdk.chat().completions().create(ask("small-ctx", c.id(), "And its source?")
                .maxCompletionTokens(MAX_TOKENS).build());
        assertThat(answer.choices()).hasSize(1);

        JsonNode sent = lastUpstreamBody().path("messages");
        assertThat(sent).as("system kept, oldest turn dropped, the rest in order").isEqualTo(expectedMessages(1));

        Deployment d = gw.gateway.catalog().candidates("small-ctx", List.of()).get(0);
        long heldOnSent = gw.gateway.billing().quoteMicros(d, body((ArrayNode) sent), Long.MAX_VALUE);
        long heldOnAll = gw.gateway.billing().quoteMicros(d, body(expectedMessages(0)), Long.MAX_VALUE);
        assertThat(heldOnAll).isGreaterThan(heldOnSent);
        assertThat(holds(gw.accountId)).as("the request's hold").contains(heldOnSent).doesNotContain(heldOnAll);
        // the stored conversation keeps everything: trimming only shapes what is sent
        assertThat(texts(c.id())).hasSize(TURNS.length * 2 + 2);
    }

    @Test
    void theResponsesApiTrimsItsConversationToTheContextWindowAsChatDoes() {
        Conversation c = conversation(TURNS);
        var r = sdk.responses().create(com.openai.models.responses.ResponseCreateParams.builder().model("small-ctx")
                .instructions("Be brief.").input("And its source?").maxOutputTokens(MAX_TOKENS).conversation(c.id())
                .build()).validate();
        assertThat(r.conversation().orElseThrow().id()).isEqualTo(c.id());
        assertThat(lastUpstreamBody().path("messages")).as("instructions kept, oldest turn dropped, the rest in order")
                .isEqualTo(expectedMessages(1));
        assertThat(texts(c.id())).as("the stored conversation keeps everything").hasSize(TURNS.length * 2 + 2);
    }

    @Test
    void anotherAccountCannotContinueTheConversation() {
        Conversation c = conversation(new String[][] {{"secret question", "secret answer"}});
        String other = gw.gateway.accounts().create("other-" + System.nanoTime(), null).id();
        gw.gateway.ledger().grant("fund-" + other, other, 1_000_000_000L, "test");
        String otherKey = gw.gateway.accounts().createKey(other, "k", null, null).secret();
        int before = upstream.requests.size();
        var r = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"conversation_id\":\"" + c.id()
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", otherKey);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("Conversation with id '" + c.id() + "' not found");
        assertThat(upstream.requests.size()).as("no upstream call").isEqualTo(before);
        assertThat(texts(c.id())).hasSize(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sdk.chat().completions()
                .create(ask("gpt-4o-mini", "conv_missing", "hi").build())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aTitleModelThePlanDoesNotAllowIsSkippedSilentlyAndCounted() throws Exception {
        String account = gw.gateway.accounts().create("planned-" + System.nanoTime(), "no-titler").id();
        gw.gateway.ledger().grant("fund-" + account, account, 1_000_000_000L, "test");
        String key = gw.gateway.accounts().createKey(account, "k", null, null).secret();
        var created = gw.post("/v1/conversations", "{}", key);
        assertThat(created.statusCode()).isEqualTo(200);
        String id = Json.parseOrNull(created.body().getBytes(StandardCharsets.UTF_8)).path("id").asText();
        var skipped = gw.gateway.metrics().counter("tollgate.conversations.titles_skipped", "reason", "model_not_allowed");
        double skippedBefore = skipped.count();
        int titlerBefore = upstream.calls("titler");

        var r = gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"conversation_id\":\"" + id
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Plan a trip to Rome\"}]}", key);
        assertThat(r.statusCode()).as("the answer is not affected").isEqualTo(200);
        // the decision is taken before the answer's last byte leaves, so it is counted by now
        assertThat(skipped.count()).isEqualTo(skippedBefore + 1);
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        assertThat(upstream.calls("titler")).as("no call to a model the plan excludes").isEqualTo(titlerBefore);
        JsonNode conv = Json.parseOrNull(gw.get("/v1/conversations/" + id, key).body().getBytes(StandardCharsets.UTF_8));
        assertThat(conv.path("title").isNull()).isTrue();
        JsonNode stats = Json.parseOrNull(gw.get("/v1/conversations/" + id + "/stats", key).body().getBytes(StandardCharsets.UTF_8));
        assertThat(stats.path("requests").asLong()).as("only the chat request; no title call billed").isEqualTo(1);
    }

    @Test
    void theFirstExchangeTitlesTheConversationBilledToTheAccount() throws Exception {
        Conversation c = sdk.conversations().create();
        int before = upstream.calls("titler");
        sdk.chat().completions().create(ask("gpt-4o-mini", c.id(), "Plan a trip to Rome").build());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode conv = null;
        while (System.nanoTime() < deadline) {
            conv = Json.parseOrNull(gw.get("/v1/conversations/" + c.id(), gw.key).body().getBytes(StandardCharsets.UTF_8));
            if (conv.path("title").isTextual()) break;
            Thread.sleep(20);
        }
        assertThat(conv.path("title").asText()).isEqualTo("Hello from fake");
        assertThat(upstream.calls("titler")).isEqualTo(before + 1);
        JsonNode titleCall = upstream.requests.stream().filter(b -> b.path("model").asText().equals("titler")).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(titleCall.path("messages").toString()).contains("Plan a trip to Rome");
        // a second exchange does not title again
        sdk.chat().completions().create(ask("gpt-4o-mini", c.id(), "And Naples?").build());
        assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        assertThat(upstream.calls("titler")).isEqualTo(before + 1);
        // billed: the title call is a usage event of the conversation with a cost
        JsonNode stats = Json.parseOrNull(gw.get("/v1/conversations/" + c.id() + "/stats", gw.key).body()
                .getBytes(StandardCharsets.UTF_8));
        assertThat(stats.path("requests").asLong()).isEqualTo(3);
        assertThat(stats.path("cost").decimalValue()).isPositive();
    }

    static List<Long> holds(String accountId) throws Exception {
        List<Long> out = new ArrayList<>();
        try (var conn = gw.gateway.database().connection();
             var ps = conn.prepareStatement("SELECT amount FROM ledger_holds WHERE account = ?")) {
            ps.setString(1, accountId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getLong(1));
            }
        }
        return out;
    }
}
