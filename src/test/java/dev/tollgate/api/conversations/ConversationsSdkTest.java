package dev.tollgate.api.conversations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.NotFoundException;
import com.openai.models.conversations.Conversation;
import com.openai.models.conversations.ConversationCreateParams;
import com.openai.models.conversations.ConversationUpdateParams;
import com.openai.models.conversations.items.ConversationItem;
import com.openai.models.conversations.items.ItemCreateParams;
import com.openai.models.conversations.items.ItemListParams;
import com.openai.models.conversations.items.ItemRetrieveParams;
import com.openai.models.conversations.items.ItemDeleteParams;
import com.openai.models.responses.EasyInputMessage;
import dev.tollgate.json.Json;
import dev.tollgate.testing.FakeOpenAi;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Java SDK's {@code client.conversations()}, unmodified, against the gateway: create with items
 * and metadata, retrieve, update, items added, paged, read and deleted, the conversation deleted with its items; and
 * every id of one account is a 404 to another.
 */
class ConversationsSdkTest {
    @TempDir
    static Path dir;
    static FakeOpenAi upstream;
    static TestGateway gw;
    static OpenAIClient sdk;
    static OpenAIClient otherSdk;
    static String otherKey;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeOpenAi();
        gw = TestGateway.start(dir, "limits: { default_rpm: 0 }\n" + TestGateway.openAiConfig("gpt-4o-mini"),
                upstream.baseUrl());
        sdk = client(gw.key);
        String other = gw.gateway.accounts().create("other-" + System.nanoTime(), null).id();
        otherKey = gw.gateway.accounts().createKey(other, "other", null, null).secret();
        otherSdk = client(otherKey);
    }

    static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    static EasyInputMessage user(String text) {
        return EasyInputMessage.builder().role(EasyInputMessage.Role.USER).content(text).build();
    }

    static String text(ConversationItem item) {
        StringBuilder out = new StringBuilder();
        item.asMessage().content().forEach(c -> {
            c.inputText().ifPresent(t -> out.append(t.text()));
            c.outputText().ifPresent(t -> out.append(t.text()));
        });
        return out.toString();
    }

    static Conversation create(String... texts) {
        ConversationCreateParams.Builder b = ConversationCreateParams.builder()
                .metadata(ConversationCreateParams.Metadata.builder().putAdditionalProperty("topic", JsonValue.from("demo")).build());
        for (String t : texts) b.addItem(user(t));
        return sdk.conversations().create(b.build()).validate();
    }

    @Test
    void aConversationIsCreatedReadUpdatedAndDeletedWithItsItems() {
        Conversation c = create("first", "second");
        assertThat(c.id()).startsWith("conv_");
        assertThat(c._metadata().convert(new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>>() { })).containsEntry("topic", "demo");
        assertThat(sdk.conversations().retrieve(c.id()).validate().id()).isEqualTo(c.id());

        Conversation updated = sdk.conversations().update(c.id(), ConversationUpdateParams.builder()
                .metadata(ConversationUpdateParams.Metadata.builder().putAdditionalProperty("topic", JsonValue.from("changed")).build())
                .build()).validate();
        assertThat(updated._metadata().convert(new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>>() { })).containsEntry("topic", "changed");

        var added = sdk.conversations().items().create(c.id(), ItemCreateParams.builder().addItem(user("third")).build());
        assertThat(added.data()).hasSize(1);
        String thirdId = added.data().get(0).asMessage().id();

        // default order desc, pages of 2 followed by the SDK's auto-pager
        List<String> texts = new ArrayList<>();
        sdk.conversations().items().list(c.id(), ItemListParams.builder().limit(2).build())
                .autoPager().forEach(i -> texts.add(text(i.validate())));
        assertThat(texts).containsExactly("third", "second", "first");
        List<String> ascending = new ArrayList<>();
        sdk.conversations().items().list(c.id(), ItemListParams.builder().order(ItemListParams.Order.ASC).build())
                .autoPager().forEach(i -> ascending.add(text(i)));
        assertThat(ascending).containsExactly("first", "second", "third");

        ConversationItem third = sdk.conversations().items().retrieve(thirdId,
                ItemRetrieveParams.builder().conversationId(c.id()).build()).validate();
        assertThat(text(third)).isEqualTo("third");
        assertThat(third.asMessage().status().asString()).isEqualTo("completed");
        Conversation after = sdk.conversations().items().delete(thirdId,
                ItemDeleteParams.builder().conversationId(c.id()).build()).validate();
        assertThat(after.id()).isEqualTo(c.id());
        assertThatThrownBy(() -> sdk.conversations().items().retrieve(thirdId,
                ItemRetrieveParams.builder().conversationId(c.id()).build())).isInstanceOf(NotFoundException.class);

        assertThat(sdk.conversations().delete(c.id()).deleted()).isTrue();
        assertThatThrownBy(() -> sdk.conversations().retrieve(c.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> sdk.conversations().items().list(c.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void anotherAccountSeesNoneOfItAndChangesNothing() {
        Conversation c = create("mine");
        String itemId = sdk.conversations().items().list(c.id()).data().get(0).asMessage().id();
        String path = "/v1/conversations/" + c.id();
        assertThatThrownBy(() -> otherSdk.conversations().retrieve(c.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> otherSdk.conversations().items().list(c.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> otherSdk.conversations().items().retrieve(itemId,
                ItemRetrieveParams.builder().conversationId(c.id()).build())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> otherSdk.conversations().items().create(c.id(),
                ItemCreateParams.builder().addItem(user("injected")).build())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> otherSdk.conversations().items().delete(itemId,
                ItemDeleteParams.builder().conversationId(c.id()).build())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> otherSdk.conversations().delete(c.id())).isInstanceOf(NotFoundException.class);
        assertThat(gw.post(path, "{\"title\":\"hijacked\"}", otherKey).statusCode()).isEqualTo(404);
        assertThat(gw.get(path + "/stats", otherKey).statusCode()).isEqualTo(404);
        JsonNode otherList = Json.parseOrNull(gw.get("/v1/conversations", otherKey).body().getBytes(StandardCharsets.UTF_8));
        assertThat(otherList.path("data").toString()).doesNotContain(c.id());

        // still intact for its owner
        assertThat(sdk.conversations().items().list(c.id()).data()).hasSize(1);
        assertThat(sdk.conversations().retrieve(c.id())._additionalProperties().get("title").isNull()).isTrue();
    }

    @Test
    void theCallersConversationsAreListedNewestFirstAndTitlesAreSet() {
        Conversation older = create("a");
        Conversation newer = create("b");
        HttpResponse<String> patched = gw.patch("/v1/conversations/" + newer.id(), "{\"title\":\"Trip to Rome\"}", gw.key);
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(patched.body()).contains("\"title\":\"Trip to Rome\"");
        JsonNode page = Json.parseOrNull(gw.get("/v1/conversations?limit=1", gw.key).body().getBytes(StandardCharsets.UTF_8));
        assertThat(page.path("data").get(0).path("id").asText()).isEqualTo(newer.id());
        assertThat(page.path("data").get(0).path("title").asText()).isEqualTo("Trip to Rome");
        assertThat(page.path("has_more").asBoolean()).isTrue();
        JsonNode next = Json.parseOrNull(gw.get("/v1/conversations?limit=1&after=" + newer.id(), gw.key).body()
                .getBytes(StandardCharsets.UTF_8));
        assertThat(next.path("data").get(0).path("id").asText()).isEqualTo(older.id());
    }

    @Test
    void badInputNamesWhatWasWrong() {
        HttpResponse<String> r = gw.post("/v1/conversations", "{\"items\":[{\"type\":\"web_search_call\"}]}", gw.key);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.parseOrNull(r.body().getBytes(StandardCharsets.UTF_8)).path("error").path("param").asText())
                .isEqualTo("items[0].type");
        r = gw.post("/v1/conversations", "{\"metadata\":{\"k\":1}}", gw.key);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("'metadata'");
        String twice = "{\"items\":[{\"id\":\"msg_same\",\"role\":\"user\",\"content\":\"a\"},"
                + "{\"id\":\"msg_same\",\"role\":\"user\",\"content\":\"b\"}]}";
        r = gw.post("/v1/conversations", twice, gw.key);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("share an id");
        String id = Json.parseOrNull(gw.post("/v1/conversations", "{\"items\":[{\"id\":\"msg_once\",\"role\":\"user\","
                + "\"content\":\"a\"}]}", gw.key).body().getBytes(StandardCharsets.UTF_8)).path("id").asText();
        r = gw.post("/v1/conversations/" + id + "/items", "{\"items\":[{\"id\":\"msg_once\",\"role\":\"user\",\"content\":\"again\"}]}", gw.key);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(sdk.conversations().items().list(id).data()).as("nothing appended").hasSize(1);
        r = gw.post("/v1/conversations", "{\"colour\":\"blue\"}", gw.key);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("colour");
    }
}
